// Shared helpers for the Coder module suites: tool checks, bounded child processes (killed by
// pid), temp dirs, artifact collection under test-results/terraform/, and credential scans.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Repository root (this file runs from out/test/terraform/). */
export const REPO = path.resolve(__dirname, '..', '..', '..');
export const MODULE_DIR = path.join(REPO, 'terraform');
export const SCRIPTS_DIR = path.join(MODULE_DIR, 'scripts');
export const RESULTS_DIR = path.join(REPO, 'test-results', 'terraform');

/** Whitespace runs as one space (Terraform wraps long messages). */
export function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** Fails (never skips) when a tool the suite depends on is missing. */
export function requireTool(name: string, versionArgs: string[] = ['--version']): string {
  const found = spawnSync(name, versionArgs, { encoding: 'utf8', timeout: 20_000 });
  if (found.error !== undefined || found.status !== 0) {
    throw new Error(
      `${name} is required by the Coder module tests but is not runnable (${found.error?.message ?? `exit ${String(found.status)}`}). ` +
        `Install it (terraform >= 1.4, shellcheck, busybox, node, bash and curl are expected on PATH) and run the suite again.`,
    );
  }
  return `${found.stdout}${found.stderr}`.split('\n')[0] ?? '';
}

export function requireModuleTools(): void {
  requireTool('terraform', ['version']);
  requireTool('shellcheck');
  requireTool('busybox', ['true']);
  requireTool('bash');
  requireTool('curl');
}

/** Absolute path of terraform, so that a test may run it with a PATH that does not hold it. */
export const TERRAFORM = spawnSync('sh', ['-c', 'command -v terraform'], { encoding: 'utf8' }).stdout.trim() || 'terraform';

/** What Coder's server image has (coder/coder scripts/Dockerfile.base): the provisioning path may use nothing else. */
export const SERVER_IMAGE_TOOLS = ['bash', 'curl', 'wget', 'openssl'];

/**
 * A directory to use as the whole PATH: bash, curl, wget, openssl and every busybox applet, each
 * a wrapper that records its name (never its arguments) in logFile before running the real
 * program. Anything else the code under test runs is "not found".
 */
export function restrictedPath(dir: string, logFile: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const busybox = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
  if (busybox === '') throw new Error('busybox is required (apt-get install busybox)');
  const applets = spawnSync(busybox, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter((name) => /^[a-z0-9_.[-]+$/.test(name));
  const real = (program: string): string => spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).stdout.trim();
  const wrappers = new Map<string, string>();
  for (const applet of applets) wrappers.set(applet, `exec ${shq(busybox)} ${shq(applet)} "$@"`);
  for (const tool of SERVER_IMAGE_TOOLS) {
    const found = real(tool);
    if (found === '') throw new Error(`${tool} is required for the restricted-PATH test`);
    wrappers.set(tool, `exec ${shq(found)} "$@"`);
  }
  for (const [name, exec] of wrappers) {
    fs.writeFileSync(path.join(dir, name), `#!${busybox} sh\nprintf '%s\\n' ${shq(name)} >>${shq(logFile)}\n${exec}\n`, { mode: 0o755 });
  }
  return dir;
}

const tempRoots: string[] = [];

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `oneclaw-tf-${prefix}-`));
  tempRoots.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempRoots.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

// A root-level hook (this module is loaded once per mocha run): temp dirs go when all suites end.
after(removeTempDirs);

/** A directory for one suite's artifacts, emptied at first use in this process. */
const prepared = new Set<string>();
export function resultsDir(suite: string): string {
  const dir = path.join(RESULTS_DIR, suite);
  if (!prepared.has(dir)) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    prepared.add(dir);
  }
  return dir;
}

export function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80);
}

export interface RunResult {
  /** Also the id of the process group the command ran in. */
  pid: number;
  code: number;
  stdout: string;
  stderr: string;
  /** stdout then stderr, as saved to the log. */
  output: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
  /** Saved (command line, exit code, stdout, stderr) to this file. */
  logFile?: string;
  /** Leave stdout out of the log (it is a credential, e.g. the headers helper's output). */
  secretStdout?: boolean;
  /** false: leave background processes of the command running (the caller kills the group). */
  reap?: boolean;
  /** Samples the command lines of the process and its descendants every ~15 ms. */
  sampler?: ProcessSampler;
}

/** Runs a command in its own process group; on timeout the whole group is killed by its id. */
export function run(command: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 90_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    const sampler = opts.sampler;
    if (sampler !== undefined && child.pid !== undefined) sampler.track(child.pid);
    const ticker = sampler === undefined ? undefined : setInterval(() => sampler.sample(), 15);
    sampler?.sample();
    child.on('error', (error) => {
      clearTimeout(timer);
      if (ticker !== undefined) clearInterval(ticker);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (ticker !== undefined) clearInterval(ticker);
      // Reap anything the command left running in its group (e.g. a background waiter).
      if (opts.reap !== false) killGroup(child.pid);
      const result: RunResult = { pid: child.pid ?? 0, code: code ?? (signal !== null ? 128 : 1), stdout, stderr, output: `${stdout}${stderr}` };
      if (opts.logFile !== undefined) {
        fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
        const logged = opts.secretStdout === true ? `<stdout omitted (${stdout.length} characters): it holds a credential by design>\n` : stdout;
        fs.appendFileSync(opts.logFile, `$ ${[command, ...args].join(' ')}\n# exit ${result.code}\n${logged}${logged.endsWith('\n') || logged === '' ? '' : '\n'}${stderr}\n`);
      }
      if (timedOut) reject(new Error(`${command} ${args.join(' ')} timed out after ${timeoutMs} ms\n${result.output}`));
      else resolve(result);
    });
    // A command may exit without reading its stdin: ignore the resulting EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input === undefined || opts.input === '' ? undefined : opts.input);
  });
}

export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
}

// ---- credential scanning ---------------------------------------------------------------------

/** Generic shapes of 1Claw credentials, caught even when the value is unknown to the test. */
export const CREDENTIAL_PATTERNS: RegExp[] = [/1ck_[A-Za-z0-9_-]{16,}/, /ocv_[A-Za-z0-9_-]{16,}/, /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/];

interface Leak {
  file: string;
  what: string;
}

/**
 * Every file under dir (recursively) checked for any canary or credential-shaped string. Fails
 * when there is nothing to check: the runs whose logs it speaks for did not happen (run alone).
 */
export function assertNoCredentials(dir: string, canaries: readonly string[]): void {
  const leaks: Leak[] = [];
  let files = 0;
  const needles = canaries.filter((c) => c.length >= 8);
  const walk = (current: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        walk(full);
        continue;
      }
      if (!entry.isFile()) continue;
      files++;
      const text = fs.readFileSync(full, 'utf8');
      for (const needle of needles) if (text.includes(needle)) leaks.push({ file: full, what: `canary ${needle.slice(0, 8)}…` });
      for (const pattern of CREDENTIAL_PATTERNS) {
        const match = pattern.exec(text);
        if (match !== null) leaks.push({ file: full, what: `credential-shaped ${match[0].slice(0, 8)}…` });
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  assert.ok(files > 0, `nothing to scan under ${path.relative(REPO, dir)}: the runs this check speaks for left no log (was it run alone?)`);
  assert.deepEqual(leaks.map((leak) => `${path.relative(REPO, leak.file)}: ${leak.what}`), [], 'credentials found');
}

/**
 * Samples the command lines (what `ps -eo args` prints, read from /proc) of the processes in the
 * process groups started by run() with this sampler, i.e. everything the code under test runs.
 */
export class ProcessSampler {
  private readonly seen = new Set<string>();
  private readonly groups = new Set<number>();
  samples = 0;

  track(pgid: number): void {
    this.groups.add(pgid);
  }

  sample(): void {
    this.samples += 1;
    let pids: string[];
    try {
      pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
    } catch {
      return;
    }
    for (const pid of pids) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (!this.groups.has(Number(fields[2]))) continue;
        const line = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
        if (line !== '') this.seen.add(line);
      } catch {
        // the process exited meanwhile
      }
    }
  }

  /** Also records one real `ps` listing of the tracked groups. */
  psSnapshot(): void {
    const ps = spawnSync('ps', ['-eo', 'pgid=,args='], { encoding: 'utf8', timeout: 10_000 });
    for (const line of (ps.stdout ?? '').split('\n')) {
      const match = /^\s*(\d+)\s+(.*)$/.exec(line);
      if (match !== null && this.groups.has(Number(match[1]))) this.seen.add(match[2] ?? '');
    }
  }

  get lines(): string[] {
    return [...this.seen].sort();
  }

  save(file: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${this.lines.join('\n')}\n`);
  }
}

/**
 * A PATH prefix whose curl, python3 and node record their argv (one line per call) in logFile,
 * then run the real program. Those are the programs that handle credentials.
 */
export function argvAuditBin(dir: string, logFile: string, programs: string[] = ['curl', 'python3', 'node']): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const program of programs) {
    const real = spawnSync('bash', ['-c', `command -v ${program}`], { encoding: 'utf8' }).stdout.trim();
    if (real === '') continue;
    const wrapper = [
      '#!/bin/sh',
      `printf '%s' ${shq(program)} >>${shq(logFile)}`,
      `for arg in "$@"; do printf ' %s' "$arg" >>${shq(logFile)}; done`,
      `printf '\\n' >>${shq(logFile)}`,
      `exec ${shq(real)} "$@"`,
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, program), wrapper, { mode: 0o755 });
  }
  return dir;
}

export function shq(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Mode bits (e.g. 0o600) of a path, not following a final symlink. */
export function modeOf(file: string): number {
  return fs.lstatSync(file).mode & 0o777;
}

/** Every file and directory under root, with its permission bits. */
export function treeModes(root: string): { path: string; mode: number; dir: boolean }[] {
  const out: { path: string; mode: number; dir: boolean }[] = [];
  const walk = (current: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isSymbolicLink()) continue;
      out.push({ path: full, mode: modeOf(full), dir: entry.isDirectory() });
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(root);
  return out;
}

/** Environment for terraform: offline, no update checks, no user CLI config. */
export function terraformEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const cliConfig = '/dev/null'; // an empty CLI configuration, and no file to clean up
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'USER']) if (process.env[key] !== undefined) env[key] = process.env[key];
  return {
    ...env,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    TF_CLI_CONFIG_FILE: cliConfig,
    NO_COLOR: '1',
    ...extra,
  };
}
