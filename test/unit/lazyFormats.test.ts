/**
 * The TOML and YAML parsers load on first use in the extension (scripts/lazyFormats.mjs): they are
 * not in dist/extension.js but in dist/formats.js beside it, shipped in the .vsix, required only
 * when a TOML or YAML client file is edited; our format editors (and their error classes) stay in
 * the main bundle. The oneclaw CLI stays one self-contained file (the Coder module embeds it).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../support/fakeContext';

const dist = path.join(repoRoot, 'dist');
/** Strings that exist only in the parsers' own code. */
const SMOL_TOML = 'Invalid TOML document';
const YAML = 'Implicit keys need to be on a single line';

describe('TOML and YAML parsers are loaded lazily by the extension', function () {
  this.timeout(60_000);
  let out: string;

  before(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'oneclaw-lazy-'));
    // The same plugin the extension's build uses, on the config-edit entry point.
    const { build } = await import('esbuild');
    const lazy = (await import(path.join(repoRoot, 'scripts', 'lazyFormats.mjs'))) as { lazyFormatsPlugin(): never; buildFormats(file: string): Promise<void> };
    await build({ entryPoints: [path.join(repoRoot, 'src', 'mcp', 'edit', 'index.ts')], bundle: true, outfile: path.join(out, 'edit.js'), platform: 'node', format: 'cjs', mainFields: ['module', 'main'], plugins: [lazy.lazyFormatsPlugin()], logLevel: 'warning' });
    await lazy.buildFormats(path.join(out, 'formats.js'));
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('dist/extension.js holds neither parser; dist/formats.js holds both and is shipped; the CLI holds both', () => {
    const extension = fs.readFileSync(path.join(dist, 'extension.js'), 'utf8');
    assert.ok(!extension.includes(SMOL_TOML) && !extension.includes(YAML), 'a parser is bundled into extension.js');
    const formats = fs.readFileSync(path.join(dist, 'formats.js'), 'utf8');
    assert.ok(formats.includes(SMOL_TOML) && formats.includes(YAML), 'dist/formats.js lacks a parser');
    const cli = fs.readFileSync(path.join(dist, 'oneclaw.js'), 'utf8');
    assert.ok(cli.includes(SMOL_TOML) && cli.includes(YAML) && !cli.includes('formats.js'), 'the CLI must stay one self-contained file');
    const ignore = fs.readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8').split('\n');
    assert.ok(ignore.includes('!dist/formats.js'), 'the .vsix does not ship dist/formats.js');
  });

  it('requires formats.js only at the first TOML or YAML edit; JSON edits and errors behave as before', () => {
    const loaded = () => Object.keys(require.cache).some((file) => file === path.join(out, 'formats.js'));
    const edit = require(path.join(out, 'edit.js')) as typeof import('../../src/mcp/edit');
    assert.deepEqual(JSON.parse(edit.applyEdit('json', '{}', { container: 'mcpServers', name: 'x', value: { url: 'https://u' } })), { mcpServers: { x: { url: 'https://u' } } });
    assert.equal(loaded(), false, 'formats.js was loaded for a JSON edit');
    assert.equal(edit.applyEdit('toml', '# mine\na = 1\n', { container: 'mcp_servers', name: 'x', value: { url: 'https://u' } }), '# mine\na = 1\n\n[mcp_servers.x]\nurl = "https://u"\n');
    assert.equal(loaded(), true);
    assert.deepEqual(edit.readEntry('yaml', 'mcpServers:\n  - name: x\n    url: https://u\n', { container: 'mcpServers', listKey: 'name', name: 'x' }), { name: 'x', url: 'https://u' });
    // A parse error is still our InvalidConfigError (one copy of the class): the safe file path relies on it.
    assert.throws(() => edit.applyEdit('toml', 'a = [', { container: 'mcp_servers', name: 'x', value: {} }), (err: unknown) => err instanceof edit.InvalidConfigError);
  });
});
