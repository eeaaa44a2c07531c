/**
 * The manifest and the code agree: every contributed command is registered at activation and
 * every registered command is contributed; menus, welcome views and the status bar only name
 * commands that exist. Loads the real bundle (dist/extension.js) with the vscode stub.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { __reset, __stub } from '../support/vscode-stub';
import { fakeExtensionContext, repoRoot } from '../support/fakeContext';
import { setEnvironment } from '../support/environment';
import { whenKeys } from '../support/whenClause';
import { COMMANDS, CONTEXT, MCP_PROVIDER_ID, VIEWS } from '../../src/views/ids';

interface Manifest {
  main: string;
  engines: { vscode: string };
  extensionKind: string[];
  activationEvents: string[];
  displayName: string;
  contributes: {
    commands: Array<{ command: string; title: string; category: string; icon: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    viewsWelcome: Array<{ view: string; contents: string; when: string }>;
    views: Record<string, Array<{ id: string; when?: string }>>;
    viewsContainers: { activitybar: Array<{ id: string; icon: string }> };
    configuration: { properties: Record<string, { markdownDescription?: string; scope?: string }> };
    mcpServerDefinitionProviders: Array<{ id: string }>;
  };
}

const manifest: Manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const contributed = manifest.contributes.commands.map((c) => c.command).sort();
const bundlePath = path.join(repoRoot, manifest.main);

describe('manifest ↔ activation', () => {
  let home: string;
  let savedEnv: NodeJS.ProcessEnv;
  let extension: { activate(ctx: unknown): unknown; deactivate(): void };
  let subscriptions: Array<{ dispose(): unknown }>;

  before(() => {
    assert.ok(fs.existsSync(bundlePath), `${manifest.main} is missing: run "npm run build" first`);
    savedEnv = { ...process.env };
    for (const key of Object.keys(process.env)) if (key.includes('ONECLAW')) delete process.env[key];
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'oneclaw-manifest-'));
    process.env.HOME = home;
    __reset();
    extension = require(bundlePath);
    const fake = fakeExtensionContext();
    subscriptions = fake.subscriptions;
    extension.activate(fake.context);
  });

  after(() => {
    extension.deactivate();
    for (const s of subscriptions) s.dispose();
    setEnvironment(savedEnv);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('registers every contributed command, and contributes every registered command', () => {
    const registered = [...__stub.commands.keys()].sort();
    const notRegistered = contributed.filter((c) => !registered.includes(c));
    const notContributed = registered.filter((c) => !contributed.includes(c));
    assert.deepEqual(notRegistered, [], `contributed but not registered at activation: ${notRegistered.join(', ')}`);
    assert.deepEqual(notContributed, [], `registered but not contributed in package.json: ${notContributed.join(', ')}`);
  });

  it('registers the MCP server definition provider and every contributed view', () => {
    for (const provider of manifest.contributes.mcpServerDefinitionProviders) {
      assert.ok(__stub.mcpProviders.has(provider.id), `MCP provider ${provider.id} not registered`);
    }
    for (const views of Object.values(manifest.contributes.views)) {
      for (const view of views) assert.ok(__stub.treeViews.has(view.id), `view ${view.id} has no tree provider`);
    }
  });

  it('shows a status bar item whose command exists', () => {
    const item = __stub.statusBarItems[0];
    assert.ok(item, 'no status bar item');
    assert.equal(item.visible, true);
    assert.ok(contributed.includes(item.command), `status bar command ${item.command} is not contributed`);
  });

  it('sets every context key at activation, and only those', () => {
    const set = [...__stub.context.keys()].sort();
    assert.deepEqual(set, Object.values(CONTEXT).sort(), 'the context keys set at activation are exactly CONTEXT');
    assert.equal(__stub.context.get(CONTEXT.state), 'notConfigured');
    assert.equal(__stub.context.get(CONTEXT.configured), false);
  });

  it('unregisters every command on deactivate', () => {
    const fresh = fakeExtensionContext();
    __reset();
    extension.deactivate();
    extension.activate(fresh.context);
    assert.ok(__stub.commands.size > 0);
    extension.deactivate();
    assert.equal(__stub.commands.size, 0, `left registered after deactivate: ${[...__stub.commands.keys()].join(', ')}`);
    extension.activate(fakeExtensionContext().context);
  });
});

describe('manifest ↔ typed ids (src/views/ids.ts)', () => {
  const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
  const { menus, views, viewsWelcome } = manifest.contributes;
  const clauses = [
    ...Object.values(menus).flatMap((items) => items.map((m) => m.when)),
    ...Object.values(views).flatMap((list) => list.map((v) => v.when)),
    ...viewsWelcome.map((w) => w.when),
  ].filter((w): w is string => w !== undefined);

  it('names exactly the contributed commands in COMMANDS', () => {
    assert.deepEqual(sorted(Object.values(COMMANDS)), contributed);
  });

  it('names exactly the contributed views in VIEWS, and the MCP provider', () => {
    assert.deepEqual(sorted(Object.values(VIEWS)), sorted(Object.values(views).flatMap((list) => list.map((v) => v.id))));
    assert.deepEqual(manifest.contributes.mcpServerDefinitionProviders.map((p) => p.id), [MCP_PROVIDER_ID]);
  });

  it('reads only CONTEXT keys (and the workbench\'s view/viewItem) in when clauses, and reads every CONTEXT key', () => {
    const read = sorted(clauses.flatMap(whenKeys));
    assert.deepEqual(read.filter((k) => k !== 'view' && k !== 'viewItem'), sorted(Object.values(CONTEXT)));
    const named = sorted([...clauses.flatMap((w) => [...w.matchAll(/\bview == ([\w.]+)/g)].map((m) => m[1]!)), ...viewsWelcome.map((w) => w.view)]);
    const unknown = named.filter((v) => !Object.values<string>(VIEWS).includes(v));
    assert.deepEqual(unknown, [], 'when clauses and welcome views name only VIEWS');
  });

  it('spells no command id, view id or context key as a literal outside src/views/ids.ts', () => {
    const ids = new Set<string>([...Object.values(COMMANDS), ...Object.values(VIEWS), ...Object.values(CONTEXT)]);
    const literals: string[] = [];
    const scan = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) scan(file);
        else if (entry.name.endsWith('.ts') && file !== path.join(repoRoot, 'src', 'views', 'ids.ts')) {
          for (const [, literal] of fs.readFileSync(file, 'utf8').matchAll(/['"](oneclaw\.[\w.]+)['"]/g)) {
            if (ids.has(literal!)) literals.push(`${path.relative(repoRoot, file)}: ${literal}`);
          }
        }
      }
    };
    scan(path.join(repoRoot, 'src'));
    scan(path.join(repoRoot, 'test'));
    assert.deepEqual(literals, [], 'use COMMANDS / VIEWS / CONTEXT from src/views/ids.ts');
  });
});

describe('manifest shape', () => {
  it('targets VS Code 1.101+, runs in the workspace, activates after start-up, points at one bundle', () => {
    assert.equal(manifest.displayName, '1Claw');
    assert.equal(manifest.engines.vscode, '^1.101.0');
    assert.deepEqual(manifest.extensionKind, ['workspace']);
    assert.deepEqual(manifest.activationEvents, ['onStartupFinished']);
    assert.equal(manifest.main, './dist/extension.js');
  });

  it('gives every command the 1Claw category and a codicon', () => {
    for (const c of manifest.contributes.commands) {
      assert.equal(c.category, '1Claw', `${c.command} category`);
      assert.match(c.icon, /^\$\([a-z-]+\)$/, `${c.command} icon`);
    }
  });

  it('names only contributed commands in menus and welcome views', () => {
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) assert.ok(contributed.includes(item.command), `${menu} names unknown command ${item.command}`);
    }
    for (const welcome of manifest.contributes.viewsWelcome) {
      for (const [, command] of welcome.contents.matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(contributed.includes(command!), `welcome view names unknown command ${command}`);
      }
    }
  });

  it('gates palette entries with when clauses and hides tree-only commands', () => {
    const palette = new Map(manifest.contributes.menus.commandPalette!.map((m) => [m.command, m.when]));
    for (const c of [COMMANDS.copyPath, COMMANDS.copyMcpReference, COMMANDS.showSecretMetadata]) assert.equal(palette.get(c), 'false');
    assert.equal(palette.get(COMMANDS.bootstrap), '!oneclaw.configured');
  });

  it('documents every setting with markdownDescription and keeps connection settings machine-scoped', () => {
    for (const [key, prop] of Object.entries(manifest.contributes.configuration.properties)) {
      assert.ok(prop.markdownDescription && prop.markdownDescription.length > 20, `${key} lacks a markdownDescription`);
      assert.equal(prop.scope, 'machine', `${key} must be machine-scoped so a workspace cannot redirect credentials`);
    }
  });

  it('uses an activity-bar icon that exists in media/', () => {
    for (const container of manifest.contributes.viewsContainers.activitybar) {
      assert.ok(fs.existsSync(path.join(repoRoot, container.icon)), container.icon);
    }
  });

  it('never contributes a command that could reveal a value', () => {
    for (const c of manifest.contributes.commands) assert.doesNotMatch(`${c.command} ${c.title}`, /value|reveal secret|show secret$/i);
  });
});
