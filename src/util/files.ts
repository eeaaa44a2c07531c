/**
 * Safe file work for credentials and other programs' config files: bounded reads that never block
 * on a FIFO or a device, atomic writes (temp file in the same directory, fsync, rename), symlinks
 * followed to the real file, missing directories created 0700, and a cooperative lock whose stale
 * takeover is atomic.
 */
import { randomBytes } from 'node:crypto';
import * as fsSync from 'node:fs';
import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { FileSafetyError, isErrno } from './fileErrors';

const MAX_SYMLINK_HOPS = 16;

export { FileSafetyError, isErrno } from './fileErrors';

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

/** Identity of a file's content at one moment: a writer that replaces or rewrites it changes at least one of these. */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  mode: number;
}

export function identityOf(stat: fsSync.BigIntStats): FileIdentity {
  return { dev: stat.dev, ino: stat.ino, size: stat.size, mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs, mode: Number(stat.mode & 0o7777n) };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

export interface Snapshot {
  exists: boolean;
  bytes: Buffer;
  identity?: FileIdentity;
  /** Open on the inode that was read (the caller closes it): lets us see writes into it after we replaced it. */
  handle?: fs.FileHandle;
}

/**
 * Open a file for reading without ever blocking: O_NONBLOCK so a FIFO or a device cannot hang
 * us, O_NOFOLLOW because callers resolve links first, and anything but a regular file is refused.
 */
async function openRegularFile(realPath: string): Promise<fs.FileHandle | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(realPath, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK | fsConstants.O_NOFOLLOW);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    if (isErrno(err, 'ELOOP')) throw new FileSafetyError(`${realPath} changed into a symlink while it was being read`, realPath);
    if (isErrno(err, 'ENXIO')) throw new FileSafetyError(`${realPath} is not a regular file`, realPath);
    throw err;
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw new FileSafetyError(`${realPath} is not a regular file`, realPath);
  }
  return handle;
}

/** All bytes of an open file, from offset 0, refusing more than `maxBytes`. */
export async function readAll(handle: fs.FileHandle, realPath: string, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) throw tooLarge(realPath, total, maxBytes);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(realPath: string, size: number, maxBytes: number): FileSafetyError {
  return new FileSafetyError(`${realPath} is ${Math.round(size / (1024 * 1024))} MB, larger than the ${Math.round(maxBytes / (1024 * 1024))} MB this extension will edit`, realPath);
}

/** Read a file with its identity, keeping it open (see Snapshot.handle). */
export async function readSnapshot(realPath: string, maxBytes: number): Promise<Snapshot> {
  const handle = await openRegularFile(realPath);
  if (!handle) return { exists: false, bytes: Buffer.alloc(0) };
  try {
    const before = identityOf(await handle.stat({ bigint: true }));
    if (before.size > BigInt(maxBytes)) throw tooLarge(realPath, Number(before.size), maxBytes);
    const bytes = await readAll(handle, realPath, maxBytes);
    return { exists: true, bytes, identity: before, handle };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

export interface AtomicWriteOptions {
  /** Mode for a new file; an existing file keeps its own mode unless `forceMode` is set. */
  mode: number;
  forceMode?: boolean;
  /** Mode for directories we have to create. */
  dirMode?: number;
  /**
   * Last check before the rename, after the data is safely on disk: return false to abandon the
   * write (the temp file is removed).
   */
  beforeCommit?: () => Promise<boolean>;
}

export class WriteAbandoned extends Error {}

/** Write `data` to a new temp file beside `target` (O_EXCL, fsync) and return its path. */
export async function writeTempBeside(target: string, data: string | Buffer, mode: number, dirMode = 0o700): Promise<string> {
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true, mode: dirMode });
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
    return temp;
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
}

export async function writeFileAtomic(filePath: string, data: string | Buffer, options: AtomicWriteOptions): Promise<string> {
  const target = await resolveWriteTarget(filePath);
  let mode = options.mode;
  if (!options.forceMode) {
    try {
      mode = (await fs.stat(target)).mode & 0o7777;
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }
  const temp = await writeTempBeside(target, data, mode, options.dirMode ?? 0o700);
  try {
    if (options.beforeCommit && !(await options.beforeCommit())) throw new WriteAbandoned('abandoned before commit');
    fsSync.renameSync(temp, target);
  } catch (err) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(path.dirname(target));
  return target;
}

export async function syncDirectory(dir: string): Promise<void> {
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

/** Read a whole text file, refusing anything over `maxBytes` or anything that is not a regular file. */
export async function readTextFile(filePath: string, maxBytes: number): Promise<ReadResult> {
  const realPath = await resolveWriteTarget(filePath);
  const handle = await openRegularFile(realPath);
  if (!handle) return { exists: false, text: '', realPath };
  try {
    return { exists: true, text: (await readAll(handle, realPath, maxBytes)).toString('utf8'), realPath };
  } finally {
    await handle.close();
  }
}

export { withFileLock, type LockOptions } from './fileLock';

export async function removeFile(filePath: string): Promise<boolean> {
  try {
    await fs.unlink(await resolveWriteTarget(filePath));
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}
