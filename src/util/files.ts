/**
 * Safe file writes for credentials and other programs' config files: write a temp file in the
 * same directory, fsync, rename over the target (so a reader never sees half a file), follow
 * symlinks to the real file instead of replacing the link, and create missing directories 0700.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { systemClock, type Clock } from './clock';

const MAX_SYMLINK_HOPS = 16;

export class FileSafetyError extends Error {
  constructor(
    message: string,
    readonly filePath: string,
  ) {
    super(message);
    this.name = 'FileSafetyError';
  }
}

/** Resolve a chain of symlinks to the file they finally name (which may not exist yet). */
export async function resolveWriteTarget(filePath: string): Promise<string> {
  let current = path.resolve(filePath);
  for (let hop = 0; hop < MAX_SYMLINK_HOPS; hop++) {
    let stat;
    try {
      stat = await fs.lstat(current);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return current;
      throw err;
    }
    if (!stat.isSymbolicLink()) {
      if (stat.isDirectory()) throw new FileSafetyError(`${current} is a directory, not a file`, current);
      return current;
    }
    const link = await fs.readlink(current);
    current = path.resolve(path.dirname(current), link);
  }
  throw new FileSafetyError(`${filePath} is a symlink loop (more than ${MAX_SYMLINK_HOPS} links)`, filePath);
}

export interface AtomicWriteOptions {
  /** Mode for a new file; an existing file keeps its own mode unless `forceMode` is set. */
  mode: number;
  forceMode?: boolean;
  /** Mode for directories we have to create. */
  dirMode?: number;
  /**
   * Last check before the rename, after the data is safely on disk: return false to abandon the
   * write (the temp file is removed). Keeps the window for a lost concurrent update minimal.
   */
  beforeCommit?: () => Promise<boolean>;
}

export class WriteAbandoned extends Error {}

export async function writeFileAtomic(filePath: string, data: string | Buffer, options: AtomicWriteOptions): Promise<string> {
  const target = await resolveWriteTarget(filePath);
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o700 });

  let mode = options.mode;
  if (!options.forceMode) {
    try {
      mode = (await fs.stat(target)).mode & 0o7777;
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }

  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    // O_EXCL: never write through a file or link someone planted at the temp name.
    handle = await fs.open(temp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, mode);
    await handle.writeFile(data);
    await handle.chmod(mode); // the umask may have narrowed the mode given to open()
    await handle.sync();
    await handle.close();
    handle = undefined;
    if (options.beforeCommit && !(await options.beforeCommit())) throw new WriteAbandoned('abandoned before commit');
    await fs.rename(temp, target);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
  return target;
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, fsConstants.O_RDONLY);
    await handle.sync();
  } catch {
    // Not every file system supports fsync on a directory; the rename is still atomic.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

export interface ReadResult {
  exists: boolean;
  text: string;
  /** The real file behind any symlinks. */
  realPath: string;
}

/** Read a whole text file, refusing anything over `maxBytes` so a hostile file cannot exhaust memory. */
export async function readTextFile(filePath: string, maxBytes: number): Promise<ReadResult> {
  const realPath = await resolveWriteTarget(filePath);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(realPath, fsConstants.O_RDONLY);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return { exists: false, text: '', realPath };
    throw err;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new FileSafetyError(`${realPath} is not a regular file`, realPath);
    if (stat.size > maxBytes) {
      throw new FileSafetyError(`${realPath} is ${Math.round(stat.size / (1024 * 1024))} MB, larger than the ${Math.round(maxBytes / (1024 * 1024))} MB this extension will edit`, realPath);
    }
    const buffer = await handle.readFile();
    return { exists: true, text: buffer.toString('utf8'), realPath };
  } finally {
    await handle.close();
  }
}

export interface LockOptions {
  timeoutMs?: number;
  staleMs?: number;
  clock?: Clock;
}

/**
 * A cooperative lock (`<file>.lock`, created with O_EXCL) so our own processes — several editor
 * windows, the headers helper, the workspace script — never interleave a read-modify-write.
 * A lock older than `staleMs` is taken over (its holder crashed).
 */
export async function withFileLock<T>(filePath: string, action: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const clock = options.clock ?? systemClock;
  const lockPath = `${filePath}.lock`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const deadline = clock.now() + timeoutMs;
  await fs.mkdir(path.dirname(lockPath), { recursive: true, mode: 0o700 });

  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await fs.open(lockPath, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
      if (await isStaleLock(lockPath, staleMs, clock)) {
        await fs.rm(lockPath, { force: true });
        continue;
      }
      if (clock.now() >= deadline) throw new FileSafetyError(`Timed out after ${timeoutMs} ms waiting for the lock on ${filePath}`, filePath);
      await clock.sleep(Math.min(50, 5 + attempt * 5));
    }
  }
  try {
    return await action();
  } finally {
    await fs.rm(lockPath, { force: true });
  }
}

/** A lock is stale when its holder's process is gone; without a readable pid, when it is old. */
async function isStaleLock(lockPath: string, staleMs: number, clock: Clock): Promise<boolean> {
  try {
    const pid = Number((await fs.readFile(lockPath, 'utf8')).trim());
    if (Number.isInteger(pid) && pid > 0) {
      if (pid === process.pid) return false;
      try {
        process.kill(pid, 0);
        return false;
      } catch (err) {
        return isErrno(err, 'ESRCH');
      }
    }
    return clock.now() - (await fs.stat(lockPath)).mtimeMs > staleMs;
  } catch {
    // The holder released it between our open() and this check: not stale, just retry.
    return false;
  }
}

export async function removeFile(filePath: string): Promise<boolean> {
  try {
    await fs.unlink(await resolveWriteTarget(filePath));
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}
