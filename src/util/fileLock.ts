/**
 * A cooperative lock (`<file>.lock`, created with O_EXCL, holding the holder's pid) so our own
 * processes — editor windows, the CLI, the headers helper — never interleave a read-modify-write.
 *
 * A lock whose holder is gone is taken over atomically: a process that finds it stale takes a
 * short-lived guard (`<file>.lock.takeover`, O_EXCL), checks under the guard that the lock is
 * still the very same stale file (same inode, holder still gone) and only then removes it; the
 * O_EXCL create that follows has exactly one winner. Two processes that find the same stale lock
 * at once therefore never both take it. A guard is held for microseconds; one left by a process
 * that died while holding it is removed after GUARD_STALE_MS.
 */
import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { systemClock, type Clock } from './clock';
import { FileSafetyError } from './fileErrors';

export interface LockOptions {
  timeoutMs?: number;
  /** A lock without a readable pid counts as stale after this long. */
  staleMs?: number;
  /**
   * For holders that never hold longer than this (the headers helper): a lock this old is stale
   * even when its pid is alive, since that pid may since belong to another process.
   */
  maxHoldMs?: number;
  clock?: Clock;
}

const GUARD_STALE_MS = 5_000;

interface LockInfo {
  ino: number;
  pid: number | undefined;
  mtimeMs: number;
}

export async function withFileLock<T>(filePath: string, action: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const clock = options.clock ?? systemClock;
  const lockPath = `${filePath}.lock`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const deadline = clock.now() + timeoutMs;
  await fs.mkdir(path.dirname(lockPath), { recursive: true, mode: 0o700 });

  let ours: number | undefined;
  for (let attempt = 0; ours === undefined; attempt++) {
    ours = await tryCreate(lockPath);
    if (ours !== undefined) break;
    const info = await lockInfo(lockPath);
    if (info && isStale(info, staleMs, clock, options.maxHoldMs) && (await takeOver(lockPath, info, staleMs, clock, options.maxHoldMs))) continue;
    if (clock.now() >= deadline) {
      throw new FileSafetyError(`Timed out after ${timeoutMs} ms waiting for the lock on ${filePath}`, filePath);
    }
    await clock.sleep(Math.min(50, 5 + attempt * 5));
  }
  try {
    return await action();
  } finally {
    // Remove the lock only if it is still the one we created.
    const info = await lockInfo(lockPath);
    if (info?.ino === ours) await fs.rm(lockPath, { force: true });
  }
}

/** Create the lock with our pid; its inode number, or undefined when someone holds it. */
async function tryCreate(lockPath: string): Promise<number | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(lockPath, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  }
  try {
    await handle.writeFile(`${process.pid}\n`);
    return (await handle.stat()).ino;
  } finally {
    await handle.close();
  }
}

async function lockInfo(lockPath: string): Promise<LockInfo | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(lockPath, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK | fsConstants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stat = await handle.stat();
    const buffer = Buffer.alloc(32);
    const { bytesRead } = await handle.read(buffer, 0, 32, 0);
    const pid = Number(buffer.toString('utf8', 0, bytesRead).trim());
    return { ino: stat.ino, pid: Number.isInteger(pid) && pid > 0 ? pid : undefined, mtimeMs: stat.mtimeMs };
  } finally {
    await handle.close();
  }
}

/** Stale when its holder's process is gone; without a readable pid, when it is old. A live holder is never stale. */
function isStale(info: LockInfo, staleMs: number, clock: Clock, maxHoldMs?: number): boolean {
  if (info.pid === undefined) return clock.now() - info.mtimeMs > staleMs;
  if (maxHoldMs !== undefined && clock.now() - info.mtimeMs > maxHoldMs) return true;
  if (info.pid === process.pid) return false;
  try {
    process.kill(info.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Remove the stale lock `seen` under the guard, if it is still that same stale lock. True when the caller should retry at once. */
async function takeOver(lockPath: string, seen: LockInfo, staleMs: number, clock: Clock, maxHoldMs?: number): Promise<boolean> {
  const guard = `${lockPath}.takeover`;
  const held = await tryCreate(guard);
  if (held === undefined) {
    const info = await lockInfo(guard);
    if (info && clock.now() - info.mtimeMs > GUARD_STALE_MS && isStale(info, GUARD_STALE_MS, clock)) await fs.rm(guard, { force: true });
    return false;
  }
  try {
    const now = await lockInfo(lockPath);
    if (now && now.ino === seen.ino && isStale(now, staleMs, clock, maxHoldMs)) await fs.rm(lockPath, { force: true });
    return true;
  } finally {
    await fs.rm(guard, { force: true });
  }
}
