// Static checks of the Coder module: formatting, every .tf parsed and cross-checked (the coder
// provider cannot be initialised offline, so Terraform itself cannot validate main.tf here), the
// registry's variable attribute order, the start-script template, the scripts' size and lint.
import { parse } from '@cdktf/hcl2json';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MODULE_DIR, REPO, SCRIPTS_DIR, TERRAFORM, assertNoCredentials, requireModuleTools, resultsDir, run, terraformEnv } from './helpers';
import { renderStartScript } from './shim';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Blocks = Record<string, Json[]>;

interface ModuleModel {
  dir: string;
  files: string[];
  variables: Record<string, Record<string, Json>>;
  outputs: Record<string, Record<string, Json>>;
  locals: Set<string>;
  modules: Set<string>;
  resources: Set<string>;
  data: Set<string>;
  /** Every expression / template string in the module, with the file it came from. */
  strings: { file: string; text: string }[];
}

/** The scripts the module ships, without the generated CLI bundle (issue 14: at most 700 lines). */
const SCRIPT_LINE_BUDGET = 700;
const GENERATED = new Set(['oneclaw.cjs']);
const CODER_SCHEMA: Record<string, string[]> = {
  // Arguments of the coder/coder provider's resources (registry docs, provider 2.x).
  // (plus the meta-arguments count and lifecycle).
  coder_env: ['agent_id', 'name', 'value', 'count', 'lifecycle'],
  coder_script: ['agent_id', 'display_name', 'script', 'icon', 'cron', 'log_path', 'run_on_start', 'run_on_stop', 'start_blocks_login', 'timeout', 'count', 'lifecycle'],
};
const CODER_DATA: Record<string, string[]> = { coder_workspace: [], coder_workspace_owner: [], coder_secret: ['count', 'env', 'file', 'help_message'] };
const EXPECTED_ENV = ['ONECLAW_BASE_URL', 'ONECLAW_MCP_URL', 'ONECLAW_VAULT_ID', 'ONECLAW_AGENT_API_KEY', 'ONECLAW_AGENT_ID', '_ONECLAW_BOOTSTRAP_SESSION'];
/** The registry's order of a variable block's attributes. */
const ATTRIBUTE_ORDER = ['description', 'type', 'default', 'validation', 'sensitive'];

function tfFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.terraform') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tfFiles(full));
    else if (entry.name.endsWith('.tf')) out.push(full);
  }
  return out;
}

function strings(value: Json, file: string, into: { file: string; text: string }[]): void {
  if (typeof value === 'string') into.push({ file, text: value });
  else if (Array.isArray(value)) for (const item of value) strings(item, file, into);
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) {
    into.push({ file, text: key });
    strings(item, file, into);
  }
}

async function loadModules(): Promise<Map<string, ModuleModel>> {
  const modules = new Map<string, ModuleModel>();
  for (const file of tfFiles(MODULE_DIR)) {
    const dir = path.dirname(file);
    let model = modules.get(dir);
    if (model === undefined) {
      model = { dir, files: [], variables: {}, outputs: {}, locals: new Set(), modules: new Set(), resources: new Set(), data: new Set(), strings: [] };
      modules.set(dir, model);
    }
    let parsed: Record<string, Json>;
    try {
      parsed = (await parse(file, fs.readFileSync(file, 'utf8'))) as Record<string, Json>;
    } catch (error) {
      throw new Error(`${path.relative(REPO, file)} does not parse: ${String(error)}`, { cause: error });
    }
    model.files.push(file);
    for (const [name, blocks] of Object.entries((parsed['variable'] ?? {}) as Blocks)) model.variables[name] = blocks[0] as Record<string, Json>;
    for (const [name, blocks] of Object.entries((parsed['output'] ?? {}) as Blocks)) model.outputs[name] = blocks[0] as Record<string, Json>;
    for (const block of (parsed['locals'] ?? []) as Record<string, Json>[]) for (const name of Object.keys(block)) model.locals.add(name);
    for (const name of Object.keys((parsed['module'] ?? {}) as Blocks)) model.modules.add(name);
    for (const [type, byName] of Object.entries((parsed['resource'] ?? {}) as Record<string, Blocks>)) for (const name of Object.keys(byName)) model.resources.add(`${type}.${name}`);
    for (const [type, byName] of Object.entries((parsed['data'] ?? {}) as Record<string, Blocks>)) for (const name of Object.keys(byName)) model.data.add(`${type}.${name}`);
    strings(parsed as Json, file, model.strings);
  }
  return modules;
}

/**
 * The expression parts of a template string as hcl2json renders it ("${...}" segments, with
 * string literals inside them blanked except for their own nested ${...}); literal text such as
 * descriptions and error messages is dropped.
 */
export function expressionText(template: string): string {
  let out = '';
  const stack: ('expr' | 'str')[] = [];
  for (let i = 0; i < template.length; i += 1) {
    const c = template[i];
    const state = stack[stack.length - 1];
    if (c === '$' && template[i + 1] === '$' && template[i + 2] === '{') {
      i += 2;
      continue;
    }
    if (c === '$' && template[i + 1] === '{' && state !== 'expr') {
      stack.push('expr');
      out += ' ';
      i += 1;
      continue;
    }
    if (state === 'expr') {
      if (c === '"') stack.push('str');
      else if (c === '{') stack.push('expr');
      else if (c === '}') stack.pop();
      out += c === '"' ? ' ' : (c ?? '');
    } else if (state === 'str' && c === '"' && template[i - 1] !== '\\') {
      stack.pop();
    }
  }
  return out;
}

function references(model: ModuleModel, pattern: RegExp): { name: string; file: string }[] {
  const found: { name: string; file: string }[] = [];
  for (const { file, text } of model.strings) {
    for (const match of expressionText(text).matchAll(pattern)) found.push({ name: match.slice(1).filter((part) => part !== undefined).join('.'), file: path.relative(REPO, file) });
  }
  return found;
}

/** The top-level attributes of each `variable` block, in source order. */
function variableAttributeOrder(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const start = /^variable "([^"]+)" \{/.exec(line);
    if (start !== null) {
      current = [];
      out.set(start[1] ?? '', current);
    } else if (line === '}') current = undefined;
    else if (current !== undefined) {
      const attribute = /^ {2}([a-z_]+)\s*(=|\{)/.exec(line);
      if (attribute !== null) current.push(attribute[1] ?? '');
    }
  }
  return out;
}

describe('Coder module: static checks', function () {
  this.timeout(120_000);
  let modules: Map<string, ModuleModel>;
  let root: ModuleModel;
  let results: string;

  before(async function () {
    requireModuleTools();
    results = resultsDir('static');
    modules = await loadModules();
    const found = modules.get(MODULE_DIR);
    assert.ok(found !== undefined, 'terraform/ holds no .tf files');
    root = found;
  });

  it('terraform fmt -check -recursive is clean (*.tf and *.tftest.hcl)', async function () {
    const fmt = await run(TERRAFORM, ['fmt', '-check', '-recursive', '-diff', '-no-color', MODULE_DIR], { env: terraformEnv(), logFile: path.join(results, 'terraform-fmt.log') });
    assert.equal(fmt.code, 0, `terraform fmt -check found unformatted files:\n${fmt.output}`);
  });

  it('terraform validate is clean for the sub-modules (built-in provider only)', async function () {
    for (const dir of ['provision', 'session']) {
      const copy = fs.mkdtempSync(path.join(path.dirname(results), `validate-${dir}-`));
      fs.cpSync(MODULE_DIR, copy, { recursive: true, filter: (source) => !source.includes('.terraform') });
      const cwd = path.join(copy, 'modules', dir);
      const init = await run(TERRAFORM, ['init', '-backend=false', '-input=false', '-no-color'], { cwd, env: terraformEnv() });
      assert.equal(init.code, 0, init.output);
      const validate = await run(TERRAFORM, ['validate', '-no-color'], { cwd, env: terraformEnv(), logFile: path.join(results, 'terraform-validate.log') });
      fs.rmSync(copy, { recursive: true, force: true });
      assert.equal(validate.code, 0, validate.output);
    }
  });

  it('parses every .tf file: the root module and modules/provision and modules/session', function () {
    assert.deepEqual(
      [...modules.keys()].map((dir) => path.relative(MODULE_DIR, dir) || '.').sort(),
      ['.', path.join('modules', 'provision'), path.join('modules', 'session')],
    );
    for (const model of modules.values()) for (const name of ['main.tf', 'variables.tf', 'outputs.tf']) assert.ok(model.files.includes(path.join(model.dir, name)), `${path.relative(REPO, model.dir)}/${name} is missing`);
  });

  it('declares every variable, local, module, resource and data source it references', function () {
    const problems: string[] = [];
    for (const model of modules.values()) {
      const where = path.relative(REPO, model.dir);
      for (const ref of references(model, /\bvar\.([A-Za-z_][\w-]*)/g)) if (!(ref.name in model.variables)) problems.push(`${ref.file}: var.${ref.name} is not declared in ${where}`);
      for (const ref of references(model, /\blocal\.([A-Za-z_][\w-]*)/g)) if (!model.locals.has(ref.name)) problems.push(`${ref.file}: local.${ref.name} is not declared`);
      for (const ref of references(model, /\bmodule\.([A-Za-z_][\w-]*)/g)) if (!model.modules.has(ref.name)) problems.push(`${ref.file}: module.${ref.name} is not declared`);
      for (const ref of references(model, /\bdata\.([a-z_]+)\.([A-Za-z_][\w-]*)/g)) if (!model.data.has(ref.name)) problems.push(`${ref.file}: data.${ref.name} is not declared`);
      for (const ref of references(model, /(?<![\w.])((?:terraform_data|coder_[a-z_]+))\.([A-Za-z_][\w-]*)/g)) {
        if (!model.resources.has(ref.name)) problems.push(`${ref.file}: ${ref.name} is not declared`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('uses every variable it declares (order only for compatibility)', function () {
    const unused: string[] = [];
    for (const model of modules.values()) {
      const used = new Set(references(model, /\bvar\.([A-Za-z_][\w-]*)/g).map((ref) => ref.name));
      for (const name of Object.keys(model.variables)) if (!used.has(name) && name !== 'order') unused.push(`${path.relative(REPO, model.dir)}: ${name}`);
    }
    assert.deepEqual(unused, []);
  });

  it('registry style: variable attributes in the order description, type, default, validation, sensitive; every output described', function () {
    const problems: string[] = [];
    for (const model of modules.values()) {
      const text = fs.readFileSync(path.join(model.dir, 'variables.tf'), 'utf8');
      for (const [name, attributes] of variableAttributeOrder(text)) {
        const known = attributes.filter((attribute) => ATTRIBUTE_ORDER.includes(attribute));
        const sorted = [...known].sort((a, b) => ATTRIBUTE_ORDER.indexOf(a) - ATTRIBUTE_ORDER.indexOf(b));
        if (known.join(',') !== sorted.join(',')) problems.push(`${path.relative(REPO, model.dir)} variable ${name}: ${known.join(', ')}`);
        if (attributes[0] !== 'description' || attributes[1] !== 'type') problems.push(`${name}: description and type come first`);
      }
      for (const [name, body] of Object.entries(model.variables)) {
        if (typeof body['description'] !== 'string' || body['description'].length < 10) problems.push(`variable ${name}: no description`);
        if (typeof body['type'] !== 'string') problems.push(`variable ${name}: no type`);
      }
      for (const [name, body] of Object.entries(model.outputs)) if (typeof body['description'] !== 'string') problems.push(`output ${name}: no description`);
    }
    assert.deepEqual(problems, []);
  });

  it('validates every non-boolean input; sensitive ones by a precondition (a failing validation prints the value)', function () {
    const problems: string[] = [];
    const mainTf = fs.readFileSync(path.join(MODULE_DIR, 'main.tf'), 'utf8');
    for (const [name, body] of Object.entries(root.variables)) {
      if (body['type'] === '${bool}' || name === 'order') continue;
      if (body['sensitive'] === true) {
        if (!mainTf.includes(`condition     = local.${name}_ok`)) problems.push(`sensitive ${name}: local.${name}_ok is not a precondition`);
        continue;
      }
      if (!Array.isArray(body['validation']) || body['validation'].length === 0) problems.push(`variable ${name}: no validation block`);
    }
    for (const name of ['master_api_key', 'human_api_key', 'api_token']) if (root.variables[name]?.['sensitive'] !== true) problems.push(`variable ${name} must be sensitive`);
    for (const model of modules.values()) {
      const sensitive = Object.entries(model.variables).filter(([, body]) => body['sensitive'] === true).map(([name]) => name);
      for (const [name, body] of Object.entries(model.variables)) {
        const conditions = JSON.stringify(body['validation'] ?? []);
        for (const secret of sensitive) if (new RegExp(`\\bvar\\.${secret}\\b`).test(conditions)) problems.push(`the validation of ${name} refers to var.${secret}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('keeps no secret in a terraform_data input (its `output` copy is not marked sensitive)', async function () {
    for (const dir of ['provision', 'session']) {
      const parsed = (await parse('main.tf', fs.readFileSync(path.join(MODULE_DIR, 'modules', dir, 'main.tf'), 'utf8'))) as { resource: { terraform_data: Blocks } };
      for (const [name, blocks] of Object.entries(parsed.resource.terraform_data)) {
        const input = JSON.stringify((blocks[0] as Record<string, Json>)['input'] ?? null);
        for (const secret of ['api_key', 'stored_key', 'token']) assert.ok(!input.includes(secret), `${dir}: terraform_data.${name}.input holds ${secret}`);
      }
    }
  });

  it('no file of the module is git-ignored (it would be missing from a checkout)', async function () {
    const files = fs.readdirSync(MODULE_DIR, { recursive: true }).map(String).filter((name) => !name.split(path.sep).includes('.terraform') && fs.statSync(path.join(MODULE_DIR, name)).isFile());
    const ignored = await run('git', ['-C', REPO, 'check-ignore', '--no-index', '--verbose', ...files.map((name) => path.join('terraform', name))]);
    assert.equal(ignored.code, 1, `git ignores module files:\n${ignored.stdout}${ignored.stderr}`);
  });

  it('every path under ${path.module} that the module reads exists', function () {
    const missing: string[] = [];
    for (const model of modules.values()) {
      for (const { file, text } of model.strings) {
        for (const match of text.matchAll(/\$\{path\.module\}\/([A-Za-z0-9_./-]+)/g)) {
          if (!fs.existsSync(path.join(model.dir, match[1] ?? ''))) missing.push(`${path.relative(REPO, file)}: ${match[0]}`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  it('keeps every input and output of the published kmjones1979/oneclaw module; coder_* arguments and env names as expected', async function () {
    const published = [
      'agent_id', 'master_api_key', 'token_ttl_hours', 'auto_destroy_vault', 'provision_vault_name', 'provision_agent_name', 'provision_policy_path',
      'human_api_key', 'bootstrap_vault_name', 'bootstrap_agent_name', 'bootstrap_policy_path', 'vault_id', 'api_token', 'agent_id_1claw',
      'mcp_host', 'base_url', 'install_cursor_config', 'install_claude_config', 'cursor_config_path', 'claude_config_path', 'icon', 'order',
    ];
    for (const name of published) assert.ok(name in root.variables, `input ${name} (published module) is missing`);
    for (const [name, value] of Object.entries({ token_ttl_hours: 8, auto_destroy_vault: false, provision_policy_path: '**', bootstrap_policy_path: '**', bootstrap_vault_name: 'coder-workspace', cursor_config_path: '$HOME/.cursor/mcp.json', install_cursor_config: true, install_claude_config: true })) {
      assert.deepEqual(root.variables[name]?.['default'], value, `default of ${name} changed from the published module's`);
    }
    // The hosts follow the official tools (0.63: api.1claw.co, mcp.1claw.co/mcp; the MCP URL
    // follows base_url's domain): a documented 2.0.0 change (README "Upgrading"), .xyz kept working.
    assert.deepEqual([root.variables['base_url']?.['default'], root.variables['mcp_host']?.['default']], ['https://api.1claw.co', '']);
    const upgrading = fs.readFileSync(path.join(MODULE_DIR, 'README.md'), 'utf8').split('## Upgrading from kmjones1979/oneclaw')[1] ?? '';
    assert.match(upgrading, /\| `base_url`, `mcp_host` defaults \| `https:\/\/api\.1claw\.xyz`, `https:\/\/mcp\.1claw\.xyz\/mcp` \|/, 'the README does not document the changed host defaults');
    for (const name of ['mcp_config_path', 'claude_config_path', 'vault_id', 'scoped_token', 'agent_id_1claw', 'provisioning_mode', 'module_directory', 'scripts']) {
      assert.ok(name in root.outputs, `output ${name} (published module) is missing`);
    }
    assert.equal(root.outputs['scoped_token']?.['sensitive'], true);

    const main = (await parse('main.tf', fs.readFileSync(path.join(MODULE_DIR, 'main.tf'), 'utf8'))) as { resource: Record<string, Blocks>; data: Record<string, Blocks> };
    const envNames: string[] = [];
    for (const [type, byName] of Object.entries(main.resource)) {
      const allowed = CODER_SCHEMA[type];
      assert.ok(allowed !== undefined, `main.tf uses ${type}, which this check does not know`);
      for (const [name, blocks] of Object.entries(byName)) {
        const body = blocks[0] as Record<string, Json>;
        for (const argument of Object.keys(body)) assert.ok(allowed.includes(argument), `${type}.${name}: "${argument}" is not an argument of ${type}`);
        if (type === 'coder_env') envNames.push(String(body['name']));
      }
    }
    for (const [type, byName] of Object.entries(main.data)) {
      assert.ok(type in (CODER_DATA as object), `main.tf reads data.${type}, which this check does not know`);
      for (const blocks of Object.values(byName)) for (const argument of Object.keys(blocks[0] as object)) assert.ok(CODER_DATA[type]?.includes(argument), `data.${type}: ${argument}`);
    }
    assert.deepEqual(envNames.sort(), [...EXPECTED_ENV].sort());
  });

  it('never templates a credential into the start script', async function () {
    const main = (await parse('main.tf', fs.readFileSync(path.join(MODULE_DIR, 'main.tf'), 'utf8'))) as { resource: { coder_script: Blocks }; locals: Record<string, Json>[] };
    const scriptBlock = JSON.stringify(Object.values(main.resource.coder_script).map((blocks) => (blocks[0] as Record<string, Json>)['script']));
    const config = JSON.stringify(main.locals.map((block) => block['start_config']).filter((value) => value !== undefined));
    for (const secret of ['master_api_key', 'human_api_key', 'human_key', 'api_token', 'agent_api_key', 'token']) {
      assert.ok(!new RegExp(`\\b(var|local|module)\\.[\\w.\\[\\]*]*${secret}\\b`).test(scriptBlock), `coder_script references ${secret}`);
      assert.ok(!new RegExp(`\\b(var|local|module)\\.[\\w.\\[\\]*]*${secret}\\b`).test(config), `local.start_config references ${secret}`);
    }
  });

  it('renders the start-script template with exactly the variables templatefile() passes', function () {
    const template = fs.readFileSync(path.join(SCRIPTS_DIR, 'start.sh.tftpl'), 'utf8');
    const mainTf = fs.readFileSync(path.join(MODULE_DIR, 'main.tf'), 'utf8');
    const used = new Set([...template.matchAll(/(?<!\$)\$\{([a-z0-9_]+)\}/g)].map((match) => match[1] ?? ''));
    assert.doesNotMatch(template, /%\{/, 'template directives are not used');
    const call = /templatefile\("\$\{path\.module\}\/scripts\/start\.sh\.tftpl",\s*\{([\s\S]*?)\n\s{2}\}\)/.exec(mainTf);
    assert.ok(call !== null, 'main.tf does not render scripts/start.sh.tftpl');
    const passed = new Set([...(call[1] ?? '').matchAll(/^\s{4}(\w+)\s*=/gm)].map((match) => match[1] ?? ''));
    assert.deepEqual([...used].sort(), [...passed].sort(), 'template variables and templatefile() arguments differ');
  });

  it(`the module's scripts total at most ${SCRIPT_LINE_BUDGET} lines, with no Python and no JSON-tool twin`, function () {
    const counts: Record<string, number> = {};
    for (const name of fs.readdirSync(SCRIPTS_DIR)) {
      if (GENERATED.has(name)) continue;
      assert.match(name, /\.(sh|tftpl)$/, `scripts/${name}: only shell scripts and templates (the CLI does the rest)`);
      counts[name] = fs.readFileSync(path.join(SCRIPTS_DIR, name), 'utf8').split('\n').length - 1;
    }
    const total = Object.values(counts).reduce((sum, lines) => sum + lines, 0);
    fs.writeFileSync(path.join(results, 'script-lines.json'), `${JSON.stringify({ ...counts, total }, null, 2)}\n`);
    assert.ok(total <= SCRIPT_LINE_BUDGET, `the scripts have ${total} lines: ${JSON.stringify(counts)}`);
    for (const name of Object.keys(counts)) {
      const code = fs.readFileSync(path.join(SCRIPTS_DIR, name), 'utf8').split('\n').filter((line) => !line.trim().startsWith('#')).join('\n');
      assert.doesNotMatch(code, /\b(python3?|jq)\b/, `scripts/${name} calls a JSON tool`);
    }
  });

  it('shellcheck (POSIX sh) and sh -n are clean for provision.sh and the rendered start script', async function () {
    const script = await renderStartScript({ human_api_key: '1ck_renderCanary0123456789abcdef', bootstrap_vault_name: 'team vault+1', extension_vsix: '~/dist/1claw.vsix' }, path.join(results, 'render-terraform.log'));
    const rendered = path.join(results, 'rendered-start-script.sh');
    fs.writeFileSync(rendered, script);
    const log = path.join(results, 'shellcheck.log');
    for (const file of [path.join(SCRIPTS_DIR, 'provision.sh'), rendered]) {
      const sc = await run('shellcheck', ['-s', 'sh', '--severity=style', file], { logFile: log });
      assert.equal(sc.code, 0, `shellcheck ${path.basename(file)}:\n${sc.output}`);
      for (const shell of ['sh', 'busybox']) {
        const syntax = await run(shell, shell === 'busybox' ? ['sh', '-n', file] : ['-n', file], { logFile: log });
        assert.equal(syntax.code, 0, `${shell} -n ${file}:\n${syntax.output}`);
      }
    }
  });

  it('the rendered start script is POSIX sh, holds no credential, and embeds the CLI byte for byte', async function () {
    const script = await renderStartScript({ human_api_key: '1ck_renderCanary0123456789abcdef' }, path.join(results, 'render-terraform.log'));
    assert.ok(script.startsWith('#!/bin/sh\n'));
    assert.ok(!script.includes('1ck_renderCanary'), 'the human key was templated into the script');
    const blob = /<<'ONECLAW_CLI_EOF' \|\| exit 1\n(.*)\nONECLAW_CLI_EOF\n/.exec(script)?.[1];
    assert.ok(blob !== undefined, 'no embedded CLI');
    assert.ok(gunzipSync(Buffer.from(blob, 'base64')).equals(fs.readFileSync(path.join(SCRIPTS_DIR, 'oneclaw.cjs'))), 'the embedded CLI differs from scripts/oneclaw.cjs');
  });

  it('no credential in the rendered script or the rendering logs', function () {
    assertNoCredentials(results, ['1ck_renderCanary0123456789abcdef']);
  });
});
