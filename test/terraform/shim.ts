// Runs the real Coder module under real Terraform without the coder/coder provider (which
// cannot be downloaded here): main.tf is converted to JSON configuration syntax with every
// `coder_*` resource replaced by a `terraform_data` whose `triggers_replace` holds the
// resource's arguments (not `input`, whose unmarked `output` mirror would print sensitive
// values in plans, which the real resources do not), and the coder data sources replaced by
// fixed locals. Lifecycle preconditions are kept. variables.tf, outputs.tf,
// modules/ and scripts/ are used as they are.
import { parse } from '@cdktf/hcl2json';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MODULE_DIR, TERRAFORM, run, terraformEnv, tempDir, type ProcessSampler, type RunResult } from './helpers';

export const SHIM_WORKSPACE = { name: 'ws', id: '3f1f0c1e-5a5b-4c4d-8e8f-000000000001', owner: 'alice' };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** coder_env.x[0].value -> terraform_data.coder_env__x[0].triggers_replace.value; data.coder_workspace.me.name -> local.shim_... */
export function rewriteExpression(value: Json): Json {
  if (typeof value === 'string') {
    return value
      .replace(/\bdata\.(coder_[a-z_]+)\.([A-Za-z0-9_-]+)/g, 'local.shim_$1_$2')
      .replace(/(?<![\w.])(coder_[a-z_]+)\.([A-Za-z0-9_-]+)((?:\[[^\]]*\])?)/g, 'terraform_data.$1__$2$3.triggers_replace');
  }
  if (Array.isArray(value)) return value.map(rewriteExpression);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rewriteExpression(item)]));
  return value;
}

function record(value: unknown, what: string): Record<string, Json> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`main.tf: expected ${what} to be an object`);
  return value as Record<string, Json>;
}

function first(blocks: Json | undefined, what: string): Record<string, Json> {
  if (!Array.isArray(blocks) || blocks.length !== 1) throw new Error(`main.tf: expected exactly one ${what} block`);
  return record(blocks[0], what);
}

export async function shimMainTf(mainTf: string): Promise<Record<string, Json>> {
  const parsed = (await parse('main.tf', mainTf)) as Record<string, Json>;
  const known = new Set(['terraform', 'locals', 'module', 'resource', 'data']);
  for (const key of Object.keys(parsed)) if (!known.has(key)) throw new Error(`main.tf: the shim does not handle top-level "${key}" blocks`);

  const terraformBlock = first(parsed['terraform'], 'terraform');
  const out: Record<string, Json> = { terraform: { required_version: terraformBlock['required_version'] ?? null } };

  const locals: Record<string, Json> = {};
  const variables: Record<string, Json> = {};
  for (const block of (parsed['locals'] as Json[] | undefined) ?? []) Object.assign(locals, record(block, 'locals'));
  for (const [type, byName] of Object.entries(record(parsed['data'] ?? {}, 'data'))) {
    if (!type.startsWith('coder_')) throw new Error(`main.tf: the shim does not handle data "${type}"`);
    for (const [name, blocks] of Object.entries(record(byName, type))) {
      const { count } = first(blocks, `data "${type}" "${name}"`);
      if (type === 'coder_secret') {
        // The user's secret: the test sets variable shim_coder_secret_<name>; count is kept.
        variables[`shim_coder_secret_${name}`] = { type: 'string', default: '', sensitive: true };
        locals[`shim_${type}_${name}`] = `\${(${String(count ?? '1').replace(/^\$\{|\}$/g, '')}) > 0 ? [{ value = var.shim_coder_secret_${name} }] : []}`;
        continue;
      }
      const fake: Record<string, Json> =
        type === 'coder_workspace'
          ? { name: SHIM_WORKSPACE.name, id: SHIM_WORKSPACE.id, start_count: 1, transition: 'start' }
          : type === 'coder_workspace_owner'
            ? { name: SHIM_WORKSPACE.owner, email: `${SHIM_WORKSPACE.owner}@example.com` }
            : {};
      locals[`shim_${type}_${name}`] = fake;
    }
  }
  out['locals'] = rewriteExpression(locals);
  if (Object.keys(variables).length > 0) out['variable'] = variables;

  const modules: Record<string, Json> = {};
  for (const [name, blocks] of Object.entries(record(parsed['module'] ?? {}, 'module'))) modules[name] = rewriteExpression(first(blocks, `module "${name}"`));
  if (Object.keys(modules).length > 0) out['module'] = modules;

  const resources: Record<string, Json> = {};
  for (const [type, byName] of Object.entries(record(parsed['resource'] ?? {}, 'resource'))) {
    if (!type.startsWith('coder_')) throw new Error(`main.tf: the shim only replaces coder_* resources, found ${type}`);
    for (const [name, blocks] of Object.entries(record(byName, type))) {
      const { count, for_each: forEach, depends_on: dependsOn, lifecycle, ...attributes } = first(blocks, `resource "${type}" "${name}"`);
      if (forEach !== undefined) throw new Error(`${type}.${name}: for_each is not shimmed`);
      const shimmed: Record<string, Json> = { triggers_replace: rewriteExpression(attributes) };
      if (lifecycle !== undefined) {
        const block = first(lifecycle, `${type}.${name} lifecycle`);
        const extra = Object.keys(block).filter((key) => key !== 'precondition' && key !== 'postcondition');
        if (extra.length > 0) throw new Error(`${type}.${name}: lifecycle ${extra.join(', ')} is not shimmed`);
        shimmed['lifecycle'] = rewriteExpression(block);
      }
      if (count !== undefined) shimmed['count'] = rewriteExpression(count);
      if (dependsOn !== undefined) shimmed['depends_on'] = rewriteExpression(dependsOn);
      resources[`${type}__${name}`] = shimmed;
    }
  }
  out['resource'] = { terraform_data: resources };
  return out;
}

export interface PlannedResource {
  address: string;
  type: string;
  name: string;
  index?: number | string;
  values: Record<string, unknown>;
}

export interface TerraformValues {
  resources: PlannedResource[];
  outputs: Record<string, { value: unknown; sensitive: boolean }>;
}

function collectResources(module: unknown, into: PlannedResource[]): void {
  const m = module as { resources?: PlannedResource[]; child_modules?: unknown[] } | undefined;
  for (const resource of m?.resources ?? []) into.push(resource);
  for (const child of m?.child_modules ?? []) collectResources(child, into);
}

/** The coder_* resource named "type.name" (and index) in planned or applied values. */
export function coderResources(values: TerraformValues, type: string): { name: string; input: Record<string, unknown> }[] {
  return values.resources
    .filter((resource) => resource.type === 'terraform_data' && resource.name.startsWith(`${type}__`))
    .map((resource) => ({ name: resource.name.slice(type.length + 2), input: (resource.values['triggers_replace'] ?? {}) as Record<string, unknown> }));
}

/** Env var name -> value of every shimmed coder_env. */
export function coderEnv(values: TerraformValues): Record<string, unknown> {
  const env: Record<string, unknown> = {};
  for (const { input } of coderResources(values, 'coder_env')) env[String(input['name'])] = input['value'];
  return env;
}

export class ShimmedModule {
  private varFileCount = 0;

  private constructor(
    readonly dir: string,
    private readonly logFile: string,
  ) {}

  /** Copies the module, converts main.tf and runs `terraform init` (offline: built-in provider only). */
  static async create(label: string, logFile: string): Promise<ShimmedModule> {
    const dir = tempDir(`module-${label}`);
    fs.cpSync(MODULE_DIR, dir, {
      recursive: true,
      filter: (source) =>
        source !== path.join(MODULE_DIR, 'main.tf') && source !== path.join(MODULE_DIR, 'README.md') && !source.endsWith('.tftest.hcl') &&
        !/[\\/](\.terraform|terraform\.tfstate(\.[^\\/]*)?|\.terraform\.lock\.hcl)$/.test(source),
    });
    const converted = await shimMainTf(fs.readFileSync(path.join(MODULE_DIR, 'main.tf'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'main.tf.json'), `${JSON.stringify(converted, null, 2)}\n`);
    const module = new ShimmedModule(dir, logFile);
    const init = await module.terraform(['init', '-input=false', '-no-color', '-backend=false']);
    if (init.code !== 0) throw new Error(`terraform init failed:\n${init.output}`);
    return module;
  }

  /** Variables go through a 0600 var file, never the command line. */
  private varFile(vars: Record<string, unknown>): string {
    this.varFileCount += 1;
    const file = path.join(this.dir, `test-${this.varFileCount}.tfvars.json`);
    // One variable per line: Terraform quotes the failing variable's line in its diagnostics.
    fs.writeFileSync(file, `${JSON.stringify(vars, null, 2)}\n`, { mode: 0o600 });
    return file;
  }

  terraform(args: string[], opts: { env?: NodeJS.ProcessEnv; sampler?: ProcessSampler; timeoutMs?: number } = {}): Promise<RunResult> {
    return run(TERRAFORM, args, {
      cwd: this.dir,
      env: terraformEnv(opts.env),
      logFile: this.logFile,
      timeoutMs: opts.timeoutMs ?? 120_000,
      ...(opts.sampler === undefined ? {} : { sampler: opts.sampler }),
    });
  }

  async plan(vars: Record<string, unknown>, opts: { env?: NodeJS.ProcessEnv; sampler?: ProcessSampler } = {}): Promise<{ result: RunResult; values?: TerraformValues }> {
    const planFile = path.join(this.dir, 'test.tfplan');
    fs.rmSync(planFile, { force: true });
    const result = await this.terraform(['plan', '-input=false', '-no-color', '-lock=false', `-var-file=${this.varFile(vars)}`, `-out=${planFile}`], opts);
    if (result.code !== 0) return { result };
    const show = await run(TERRAFORM, ['show', '-json', planFile], { cwd: this.dir, env: terraformEnv() });
    if (show.code !== 0) throw new Error(`terraform show failed:\n${show.output}`);
    const json = JSON.parse(show.stdout) as { planned_values?: { root_module?: unknown; outputs?: TerraformValues['outputs'] } };
    const resources: PlannedResource[] = [];
    collectResources(json.planned_values?.root_module, resources);
    return { result, values: { resources, outputs: json.planned_values?.outputs ?? {} } };
  }

  apply(vars: Record<string, unknown>, opts: { env?: NodeJS.ProcessEnv; sampler?: ProcessSampler } = {}): Promise<RunResult> {
    return this.terraform(['apply', '-auto-approve', '-input=false', '-no-color', `-var-file=${this.varFile(vars)}`], opts);
  }

  /** How Coder builds a workspace: `terraform plan -out`, then `terraform apply` of that plan. */
  async planThenApply(vars: Record<string, unknown>, opts: { env?: NodeJS.ProcessEnv; sampler?: ProcessSampler } = {}): Promise<RunResult> {
    const planFile = path.join(this.dir, 'build.tfplan');
    const plan = await this.terraform(['plan', '-input=false', '-no-color', `-var-file=${this.varFile(vars)}`, `-out=${planFile}`], opts);
    if (plan.code !== 0) return plan;
    const apply = await this.terraform(['apply', '-input=false', '-no-color', planFile], opts);
    fs.rmSync(planFile, { force: true });
    return { ...apply, output: `${plan.output}${apply.output}` };
  }

  destroy(vars: Record<string, unknown>, opts: { env?: NodeJS.ProcessEnv; sampler?: ProcessSampler } = {}): Promise<RunResult> {
    return this.terraform(['destroy', '-auto-approve', '-input=false', '-no-color', `-var-file=${this.varFile(vars)}`], opts);
  }

  /** `terraform plan -detailed-exitcode`: 0 = no changes, 2 = changes. */
  planExitCode(vars: Record<string, unknown>, opts: { env?: NodeJS.ProcessEnv; sampler?: ProcessSampler } = {}): Promise<RunResult> {
    return this.terraform(['plan', '-input=false', '-no-color', '-detailed-exitcode', `-var-file=${this.varFile(vars)}`], opts);
  }

  /** Applied state (values only). */
  async state(): Promise<TerraformValues> {
    const show = await run(TERRAFORM, ['show', '-json'], { cwd: this.dir, env: terraformEnv() });
    if (show.code !== 0) throw new Error(`terraform show failed:\n${show.output}`);
    const json = JSON.parse(show.stdout) as { values?: { root_module?: unknown; outputs?: TerraformValues['outputs'] } };
    const resources: PlannedResource[] = [];
    collectResources(json.values?.root_module, resources);
    return { resources, outputs: json.values?.outputs ?? {} };
  }
}

let renderModule: Promise<ShimmedModule> | undefined;
const rendered = new Map<string, Promise<TerraformValues>>();

/** The module planned for these inputs (plan only, cached): its resources and outputs. agent_id is filled in. */
export function renderPlan(vars: Record<string, unknown>, logFile: string): Promise<TerraformValues> {
  const key = JSON.stringify(vars);
  let planned = rendered.get(key);
  if (planned === undefined) {
    renderModule ??= ShimmedModule.create('render', logFile);
    planned = renderModule.then(async (module) => {
      const { result, values } = await module.plan({ agent_id: 'coder-agent-1', ...vars });
      if (values === undefined) throw new Error(`terraform plan failed while rendering the start script:\n${result.output}`);
      return values;
    });
    rendered.set(key, planned);
  }
  return planned;
}

/** The start script exactly as main.tf renders it for these module inputs. */
export async function renderStartScript(vars: Record<string, unknown>, logFile: string): Promise<string> {
  const [coderScript] = coderResources(await renderPlan(vars, logFile), 'coder_script');
  const text = coderScript?.input['script'];
  if (typeof text !== 'string') throw new Error('the plan holds no coder_script.script');
  return text;
}

/** The config the start script writes for `oneclaw workspace-start`. */
export function startConfig(scriptText: string): Record<string, unknown> {
  const match = /<<'ONECLAW_CONFIG_EOF'\n(.*)\nONECLAW_CONFIG_EOF/.exec(scriptText);
  if (match === null) throw new Error('the start script holds no config');
  return JSON.parse(match[1] ?? '') as Record<string, unknown>;
}
