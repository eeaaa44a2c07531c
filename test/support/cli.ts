/** Running the real `oneclaw` bundle (dist/oneclaw.js) as a child process, as the module and Claude Code do. */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { cliBundle } from './fakeContext';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  /** The whole environment of the child (nothing is inherited but PATH unless given). */
  env?: Record<string, string | undefined>;
  home: string;
  stdin?: string;
  cwd?: string;
  timeoutMs?: number;
}

/**
 * `options.home` plays the user's home in the user database, which the CLI uses whatever HOME says
 * (src/cli/home.ts): it is passed as `--home`, so `options.env.HOME` can play a HOME a repository set.
 */
export function runOneclaw(args: string[], options: CliOptions): Promise<CliResult> {
  const [command, ...rest] = args;
  const withHome = command && !command.startsWith('-') ? [command, '--home', options.home, ...rest] : args;
  return runProcess(process.execPath, [cliBundle, ...withHome], options);
}

/** Run any command with exactly this environment (HOME = options.home); killed by PID after the timeout. */
export function runProcess(command: string, args: string[], options: CliOptions): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // TMPDIR too: Claude Code and Node put their temporary files there, never in /tmp.
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: options.home, TMPDIR: os.tmpdir() };
    for (const [name, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[name] = value;
    const child = spawn(command, args, { env, cwd: options.cwd ?? options.home, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
    child.stdin.on('error', () => undefined); // a child that exits before reading its input
    child.stdin.end(options.stdin ?? '');
  });
}
