// Processes the runner starts: each in its own process group (so the whole tree it spawns can be
// stopped by the leader's PID), output to a log file, stopped with SIGTERM then SIGKILL after a
// bounded wait. Plus bounded polling and free-port helpers.
import { waitFor } from '../../support/waitFor';
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

export interface Managed {
  name: string;
  pid: number;
  /** Resolves with the exit code (or signal name) when the leader exits. */
  exited: Promise<number | string>;
  hasExited(): boolean;
  /** Stop the whole process group: SIGTERM, then SIGKILL after `graceMs`. Never throws. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<Managed>();

export function spawnGroup(name: string, command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string; logFile: string }): Managed {
  const out = fs.openSync(options.logFile, 'a');
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const pid = child.pid;
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (error) => {
      done = true;
      resolve(`spawn error: ${error.message}`);
    });
  });
  const managed: Managed = {
    name,
    pid,
    exited,
    hasExited: () => done,
    stop: async (graceMs = 5000) => {
      signalGroup(pid, 'SIGTERM');
      const deadline = Date.now() + graceMs;
      while (Date.now() < deadline && groupAlive(pid)) await sleep(100);
      if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
      const hardDeadline = Date.now() + 3000;
      while (Date.now() < hardDeadline && groupAlive(pid)) await sleep(100);
      running.delete(managed);
    },
  };
  running.add(managed);
  return managed;
}

/** Every process group started here and not stopped yet (stopped in reverse order on cleanup). */
export function startedProcesses(): Managed[] {
  return [...running].reverse();
}

export async function stopAll(): Promise<void> {
  for (const proc of startedProcesses()) await proc.stop();
}

/** Synchronous last resort (process 'exit' handler): SIGKILL every group still known. */
export function killAllNow(): void {
  for (const proc of running) signalGroup(proc.pid, 'SIGKILL');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Whether any process of the group led by `pid` is still alive. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** PIDs (with their command lines) still in the process group led by `pid`. */
export function groupMembers(pid: number): string[] {
  try {
    const out = execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8', timeout: 10_000 });
    return out
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.split(/\s+/)[1] === String(pid));
  } catch {
    return [];
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}


/** Rejects with a clear message when `promise` does not settle within `ms`. */
export async function withTimeout<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up after ${(ms / 1000).toFixed(0)} s waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Resolves when an HTTP GET of `url` answers (any status). */
export async function httpReady(url: string, timeoutMs: number, what: string): Promise<void> {
  await waitFor(
    what,
    async () => {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      return true;
    },
    timeoutMs,
    200,
  );
}

export { waitFor };
