// Static checks of the Coder module: formatting, every .tf parsed and cross-checked (the coder
// provider cannot be initialised offline, so Terraform itself cannot validate main.tf here),
// the README tables against the code, the start-script template, and shellcheck.
import { parse } from '@cdktf/hcl2json';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MODULE_DIR, REPO, SCRIPTS_DIR, describeLeaks, requireModuleTools, requireTool, resultsDir, run, scanForCredentials, terraformEnv } from './helpers';
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

const HEREDOC_TERMINATOR = 'ONECLAW_EMBEDDED_FILE_EOF';
const CODER_SCHEMA: Record<string, string[]> = {
  // Arguments of the coder/coder provider's resources (registry docs, provider 2.x).
  // (plus the meta-arguments count and lifecycle).
  coder_env: ['agent_id', 'name', 'value', 'count', 'lifecycle'],
  coder_script: ['agent_id', 'display_name', 'script', 'icon', 'cron', 'log_path', 'run_on_start', 'run_on_stop', 'start_blocks_login', 'timeout', 'count', 'lifecycle'],
};
const EXPECTED_ENV = ['ONECLAW_BASE_URL', 'ONECLAW_MCP_URL', 'ONECLAW_VAULT_ID', 'ONECLAW_AGENT_API_KEY', 'ONECLAW_AGENT_ID', '_ONECLAW_HUMAN_API_KEY'];
/** Inputs exempt from "has a validation block": booleans, and `order` (kept for compatibility). */
const NO_VALIDATION_NEEDED = new Set(['order']);

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

interface TableRow {
  cells: string[];
}

/** Rows of the first markdown table after the heading. */
function tableAfter(markdown: string, heading: string): TableRow[] {
  const start = markdown.indexOf(`\n${heading}\n`);
  assert.notEqual(start, -1, `README has no "${heading}" section`);
  const lines = markdown.slice(start + heading.length + 2).split('\n');
  const rows: TableRow[] = [];
  let inTable = false;
  for (const line of lines) {
    if (line.startsWith('|')) {
      inTable = true;
      if (/^\|\s*-/.test(line) || /^\|\s*Name\s*\|/.test(line)) continue;
      rows.push({ cells: line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim()) });
    } else if (inTable) break;
  }
  return rows;
}

function unticked(cell: string | undefined): string {
  return (cell ?? '').replace(/^`|`$/g, '');
}

describe('Coder module: static checks', function () {
  this.timeout(120_000);
  let modules: Map<string, ModuleModel>;
  let root: ModuleModel;
  let results: string;

  before(async function () {
    requireModuleTools();
    requireTool('node');
    results = resultsDir('static');
    modules = await loadModules();
    const found = modules.get(MODULE_DIR);
    assert.ok(found !== undefined, 'terraform/ holds no .tf files');
    root = found;
  });

  it('terraform fmt -check is clean', async function () {
    const fmt = await run('terraform', ['fmt', '-check', '-recursive', '-diff', '-no-color', MODULE_DIR], { env: terraformEnv(), logFile: path.join(results, 'terraform-fmt.log') });
    assert.equal(fmt.code, 0, `terraform fmt -check found unformatted files:\n${fmt.output}`);
  });

  it('parses every .tf file, root module and modules/provision', function () {
    assert.deepEqual(
      [...modules.keys()].map((dir) => path.relative(MODULE_DIR, dir) || '.').sort(),
      ['.', path.join('modules', 'provision')],
    );
    for (const name of ['main.tf', 'variables.tf', 'outputs.tf']) assert.ok(root.files.includes(path.join(MODULE_DIR, name)), `terraform/${name} is missing`);
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

  it('uses every variable it declares', function () {
    const unused: string[] = [];
    for (const model of modules.values()) {
      const used = new Set(references(model, /\bvar\.([A-Za-z_][\w-]*)/g).map((ref) => ref.name));
      for (const name of Object.keys(model.variables)) if (!used.has(name) && !NO_VALIDATION_NEEDED.has(name)) unused.push(`${path.relative(REPO, model.dir)}: ${name}`);
    }
    assert.deepEqual(unused, []);
  });

  it('documents and types every variable and output; validates every non-boolean input', function () {
    const problems: string[] = [];
    for (const model of modules.values()) {
      for (const [name, body] of Object.entries(model.variables)) {
        if (typeof body['description'] !== 'string' || body['description'].length < 10) problems.push(`variable ${name}: no description`);
        if (typeof body['type'] !== 'string') problems.push(`variable ${name}: no type`);
      }
      for (const [name, body] of Object.entries(model.outputs)) if (typeof body['description'] !== 'string') problems.push(`output ${name}: no description`);
    }
    const mainTf = fs.readFileSync(path.join(MODULE_DIR, 'main.tf'), 'utf8');
    for (const [name, body] of Object.entries(root.variables)) {
      if (body['type'] === '${bool}' || NO_VALIDATION_NEEDED.has(name)) continue;
      if (body['sensitive'] === true) {
        // Checked by a precondition instead (a failing validation prints the value).
        if (!new RegExp(`\\b${name}_ok = nonsensitive\\(var\\.${name} == "" \\|\\| can\\(regex\\(`).test(mainTf.replace(/\s+/g, ' '))) problems.push(`sensitive ${name}: no local.${name}_ok format check`);
        if (!mainTf.includes(`condition     = local.${name}_ok`)) problems.push(`sensitive ${name}: local.${name}_ok is not a precondition`);
        continue;
      }
      if (!Array.isArray(body['validation']) || body['validation'].length === 0) problems.push(`variable ${name}: no validation block`);
    }
    for (const name of ['master_api_key', 'human_api_key', 'api_token']) if (root.variables[name]?.['sensitive'] !== true) problems.push(`variable ${name} must be sensitive`);
    assert.deepEqual(problems, []);
  });

  it('no validation block refers to a sensitive variable (Terraform prints the values a failing validation refers to)', function () {
    const problems: string[] = [];
    for (const model of modules.values()) {
      const sensitive = Object.entries(model.variables).filter(([, body]) => body['sensitive'] === true).map(([name]) => name);
      for (const [name, body] of Object.entries(model.variables)) {
        const conditions = JSON.stringify(body['validation'] ?? []);
        for (const secret of sensitive) if (new RegExp(`\\bvar\\.${secret}\\b`).test(conditions)) problems.push(`${path.relative(REPO, model.dir)}: the validation of ${name} refers to var.${secret}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('keeps no secret in a terraform_data input (its `output` copy is not marked sensitive)', async function () {
    const provision = (await parse('main.tf', fs.readFileSync(path.join(MODULE_DIR, 'modules', 'provision', 'main.tf'), 'utf8'))) as { resource: { terraform_data: Blocks } };
    for (const [name, blocks] of Object.entries(provision.resource.terraform_data)) {
      const input = JSON.stringify((blocks[0] as Record<string, Json>)['input'] ?? null);
      for (const secret of ['master_api_key', 'agent_api_key', 'stored_master_key']) assert.ok(!input.includes(secret), `terraform_data.${name}.input holds ${secret}`);
    }
  });

  it('no file of the module is git-ignored (it would be missing from a checkout)', async function () {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === '.terraform') continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else files.push(path.relative(REPO, full));
      }
    };
    walk(MODULE_DIR);
    const ignored = await run('git', ['-C', REPO, 'check-ignore', '--no-index', '--verbose', ...files]);
    assert.equal(ignored.code, 1, `git ignores module files:\n${ignored.stdout}${ignored.stderr}`);
  });

  it('every path under ${path.module} that the module reads exists', function () {
    const missing: string[] = [];
    for (const model of modules.values()) {
      for (const { file, text } of model.strings) {
        for (const match of text.matchAll(/\$\{path\.module\}\/([A-Za-z0-9_./-]+)/g)) {
          const target = path.join(model.dir, match[1] ?? '');
          if (!fs.existsSync(target)) missing.push(`${path.relative(REPO, file)}: ${match[0]}`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  it('has the published module inputs and outputs, and the expected coder_env variables', async function () {
    const published = [
      'agent_id', 'master_api_key', 'token_ttl_hours', 'auto_destroy_vault', 'provision_vault_name', 'provision_agent_name', 'provision_policy_path',
      'human_api_key', 'bootstrap_vault_name', 'bootstrap_agent_name', 'bootstrap_policy_path', 'vault_id', 'api_token', 'agent_id_1claw',
      'mcp_host', 'base_url', 'install_cursor_config', 'install_claude_config', 'cursor_config_path', 'claude_config_path', 'icon', 'order',
    ];
    for (const name of published) assert.ok(name in root.variables, `input ${name} (published module) is missing`);
    assert.equal(root.variables['token_ttl_hours']?.['default'], 8);
    assert.equal(root.variables['auto_destroy_vault']?.['default'], false);
    assert.equal(root.variables['provision_policy_path']?.['default'], '**');
    for (const name of ['mcp_config_path', 'claude_config_path', 'vault_id', 'scoped_token', 'agent_id_1claw', 'provisioning_mode']) {
      assert.ok(name in root.outputs, `output ${name} (published module) is missing`);
    }
    assert.equal(root.outputs['scoped_token']?.['sensitive'], true);

    const main = (await parse('main.tf', fs.readFileSync(path.join(MODULE_DIR, 'main.tf'), 'utf8'))) as { resource: Record<string, Blocks> };
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
    assert.deepEqual(envNames.sort(), [...EXPECTED_ENV].sort());
  });

  it('never templates a credential into the start script', async function () {
    const main = (await parse('main.tf', fs.readFileSync(path.join(MODULE_DIR, 'main.tf'), 'utf8'))) as { resource: { coder_script: Blocks }; locals: Record<string, Json>[] };
    const scriptBlock = JSON.stringify(Object.values(main.resource.coder_script).map((blocks) => (blocks[0] as Record<string, Json>)['script']));
    const config = JSON.stringify(main.locals.map((block) => block['script_config']).filter((value) => value !== undefined));
    for (const secret of ['master_api_key', 'human_api_key', 'api_token', 'agent_api_key']) {
      assert.ok(!scriptBlock.includes(secret), `coder_script references ${secret}`);
      assert.ok(!config.includes(secret), `local.script_config references ${secret}`);
    }
  });

  it('renders the start-script template from files that exist, with matching variables', async function () {
    const template = fs.readFileSync(path.join(SCRIPTS_DIR, 'coder-script.sh.tftpl'), 'utf8');
    const mainTf = fs.readFileSync(path.join(MODULE_DIR, 'main.tf'), 'utf8');
    // Template variables: for-loop sources plus identifiers in ${...} that are not loop variables.
    const loopVariables = new Set<string>();
    const used = new Set<string>();
    for (const match of template.matchAll(/%\{\s*for\s+(\w+)\s*,\s*(\w+)\s+in\s+(\w+)/g)) {
      loopVariables.add(match[1] ?? '');
      loopVariables.add(match[2] ?? '');
      used.add(match[3] ?? '');
    }
    for (const match of template.matchAll(/(?<!\$)\$\{([^}]*)\}/g)) {
      const expression = (match[1] ?? '').replace(/"(?:[^"\\]|\\.)*"/g, '""');
      for (const identifier of expression.matchAll(/(?<![\w.])([A-Za-z_]\w*)\b(?!\s*\()/g)) {
        if (!loopVariables.has(identifier[1] ?? '')) used.add(identifier[1] ?? '');
      }
    }
    const call = /templatefile\("\$\{path\.module\}\/scripts\/coder-script\.sh\.tftpl",\s*\{([\s\S]*?)\n\s{2}\}\)/.exec(mainTf);
    assert.ok(call !== null, 'main.tf does not render scripts/coder-script.sh.tftpl');
    const passed = new Set([...(call[1] ?? '').matchAll(/^\s{4}(\w+)\s*=/gm)].map((match) => match[1] ?? ''));
    assert.deepEqual([...used].sort(), [...passed].sort(), 'template variables and templatefile() arguments differ');

    const embedded = [...mainTf.matchAll(/"([\w.-]+)"\s*=\s*file\("\$\{path\.module\}\/scripts\/([\w.-]+)"\)/g)];
    assert.ok(embedded.length >= 5, 'main.tf embeds fewer scripts than expected');
    for (const match of embedded) {
      assert.equal(match[1], match[2], `files["${match[1]}"] embeds scripts/${match[2]}: names differ`);
      const content = fs.readFileSync(path.join(SCRIPTS_DIR, match[2] ?? ''), 'utf8');
      assert.ok(!content.split('\n').includes(HEREDOC_TERMINATOR), `scripts/${match[2]} contains the heredoc terminator line`);
      assert.ok(content.endsWith('\n') && !content.endsWith('\n\n'), `scripts/${match[2]} must end with exactly one newline (it is embedded with chomp())`);
    }
    const scriptsRead = new Set(
      [...fs.readFileSync(path.join(SCRIPTS_DIR, 'oneclaw-workspace.sh'), 'utf8').matchAll(/\bONECLAW_CFG_([A-Z0-9_]+)/g)].map((match) => match[1] ?? ''),
    );
    const configBlock = /script_config\s*=\s*\{([\s\S]*?)\n\s{2}\}/.exec(mainTf)?.[1] ?? '';
    const provided = new Set([...configBlock.matchAll(/ONECLAW_CFG_([A-Z0-9_]+)\s*=/g)].map((match) => match[1] ?? ''));
    for (const name of ['LIB_DIR', 'HELPER_SOURCE']) {
      assert.ok(template.includes(`ONECLAW_CFG_${name}=`), `the template must set ONECLAW_CFG_${name}`);
      provided.add(name);
    }
    assert.deepEqual([...scriptsRead].sort(), [...provided].sort(), 'ONECLAW_CFG_* read by oneclaw-workspace.sh differ from those main.tf provides');
  });

  it('shellcheck, bash -n, python and node syntax are clean for every script', async function () {
    const scripts = fs.readdirSync(SCRIPTS_DIR).filter((name) => name.endsWith('.sh')).map((name) => path.join(SCRIPTS_DIR, name));
    const log = path.join(results, 'shellcheck.log');
    const sc = await run('shellcheck', ['-x', '-P', 'SCRIPTDIR', '--severity=style', ...scripts], { cwd: SCRIPTS_DIR, logFile: log });
    assert.equal(sc.code, 0, `shellcheck:\n${sc.output}`);
    for (const script of scripts) {
      const syntax = await run(fs.readFileSync(script, 'utf8').startsWith('#!/bin/sh') ? 'sh' : 'bash', ['-n', script], { logFile: log });
      assert.equal(syntax.code, 0, `${script}:\n${syntax.output}`);
      const text = fs.readFileSync(script, 'utf8');
      if (text.startsWith('#!/usr/bin/env bash')) {
        assert.match(text, /^set -euo pipefail$/m, `${path.basename(script)} must set -euo pipefail`);
        assert.match(text, /^umask 077$/m, `${path.basename(script)} must set umask 077`);
      }
    }
    const py = await run('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])', path.join(SCRIPTS_DIR, 'oneclaw-json.py')], { logFile: log });
    assert.equal(py.code, 0, py.output);
    const js = await run('node', ['--check', path.join(SCRIPTS_DIR, 'oneclaw-json.js')], { logFile: log });
    assert.equal(js.code, 0, js.output);
  });

  it('the rendered start script is POSIX sh, shellcheck-clean and holds no credential', async function () {
    const script = await renderStartScript({ human_api_key: '1ck_renderCanary0123456789abcdef', bootstrap_vault_name: "team vault+1" }, path.join(results, 'render-terraform.log'));
    const file = path.join(results, 'rendered-start-script.sh');
    fs.writeFileSync(file, script);
    assert.ok(script.startsWith('#!/bin/sh\n'));
    assert.ok(!script.includes('1ck_renderCanary'), 'the human key was templated into the script');
    assert.match(script, /^ONECLAW_CFG_VAULT_NAME='team vault\+1'$/m);
    const sc = await run('shellcheck', ['-s', 'sh', file], { logFile: path.join(results, 'shellcheck.log') });
    assert.equal(sc.code, 0, `shellcheck of the rendered script:\n${sc.output}`);
    for (const name of ['oneclaw-lib.sh', 'oneclaw-workspace.sh', 'oneclaw-mcp-headers.sh']) {
      const original = fs.readFileSync(path.join(SCRIPTS_DIR, name), 'utf8');
      assert.ok(script.includes(`<<'${HEREDOC_TERMINATOR}'\n${original}${HEREDOC_TERMINATOR}\n`), `${name} is not embedded verbatim`);
    }
  });

  it('no credential in the rendered script or the rendering logs', function () {
    const leaks = scanForCredentials(results, ['1ck_renderCanary0123456789abcdef', '1ck_renderPlaceholder0123', 'ocv_renderPlaceholder0123']);
    assert.equal(leaks.length, 0, describeLeaks(leaks));
  });

  describe('README', function () {
    let readme: string;
    before(function () {
      readme = fs.readFileSync(path.join(MODULE_DIR, 'README.md'), 'utf8');
    });

    it('has Coder registry front matter', function () {
      const front = /^---\n([\s\S]*?)\n---\n/.exec(readme);
      assert.ok(front !== null, 'README.md has no front matter');
      for (const key of ['display_name', 'description', 'icon', 'verified', 'tags']) assert.match(front[1] ?? '', new RegExp(`^${key}: .+$`, 'm'), `front matter lacks ${key}`);
    });

    it('documents every input with its type, default and sensitivity', function () {
      const rows = tableAfter(readme, '## Inputs');
      const documented = new Map(rows.map((row) => [unticked(row.cells[0]), row.cells]));
      assert.deepEqual([...documented.keys()].sort(), Object.keys(root.variables).sort(), 'the Inputs table and variables.tf list different inputs');
      for (const [name, body] of Object.entries(root.variables)) {
        const cells = documented.get(name) ?? [];
        assert.equal(unticked(cells[1]), String(body['type']).replace(/^\$\{|\}$/g, ''), `${name}: type`);
        const expectedDefault = 'default' in body ? JSON.stringify(body['default']) : 'required';
        assert.equal(unticked(cells[2]), expectedDefault, `${name}: default`);
        assert.equal(cells[3], body['sensitive'] === true ? 'yes' : 'no', `${name}: sensitive`);
        assert.ok((cells[4] ?? '').length > 10, `${name}: no description`);
      }
    });

    it('documents every output', function () {
      const rows = tableAfter(readme, '## Outputs');
      const documented = new Map(rows.map((row) => [unticked(row.cells[0]), row.cells]));
      assert.deepEqual([...documented.keys()].sort(), Object.keys(root.outputs).sort(), 'the Outputs table and outputs.tf list different outputs');
      for (const [name, body] of Object.entries(root.outputs)) assert.equal(documented.get(name)?.[1], body['sensitive'] === true ? 'yes' : 'no', `${name}: sensitive`);
    });

    it('has one usage block per mode, each using only declared inputs', async function () {
      const blocks = [...readme.matchAll(/```tf\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
      const modes: Record<string, string> = { terraform_native: 'master_api_key', bootstrap: 'human_api_key', manual: 'api_token' };
      for (const [mode, input] of Object.entries(modes)) assert.ok(blocks.some((block) => new RegExp(`^\\s+${input}\\s+=`, 'm').test(block)), `no usage block for ${mode} mode`);
      for (const block of blocks) {
        const parsed = (await parse('usage.tf', block)) as { module?: Record<string, Record<string, Json>[]> };
        for (const body of Object.values(parsed.module ?? {})) {
          for (const argument of Object.keys(body[0] ?? {})) {
            assert.ok(argument === 'source' || argument === 'version' || argument in root.variables, `README usage passes undeclared input ${argument}`);
          }
        }
      }
    });

    it('has a security section and the test command', function () {
      assert.match(readme, /^## Security$/m);
      for (const topic of ['Terraform state', 'argv', 'DELETE /v1/auth/token', 'bootstrap mode']) assert.ok(readme.includes(topic), `the security section does not mention ${topic}`);
      assert.ok(readme.includes('npx mocha --timeout 120000 out/test/terraform/*.test.js'), 'README lacks the test command');
    });
  });
});
