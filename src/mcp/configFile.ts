/**
 * Updating our entry in another program's JSON config file without ever damaging it:
 * a cooperative lock against our own concurrent writers, a re-read just before the atomic
 * rename so a change made by the program itself in between is not lost, and a file we cannot
 * parse is copied aside and left exactly as it was.
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import { systemClock, type Clock } from '../util/clock';
import { FileSafetyError, WriteAbandoned, isErrno, readTextFile, resolveWriteTarget, withFileLock, writeFileAtomic } from '../util/files';
import { applyEntryEdit, InvalidConfigError, type EntryEdit } from './jsonEdit';

export type ConfigEditOutcome =
  | { status: 'written' | 'unchanged' | 'removed'; path: string }
  | { status: 'skipped'; path: string; reason: string; backupPath?: string };

export interface ConfigEditOptions {
  /** Force 0600 on the file: set when the entry holds a credential. */
  holdsCredential: boolean;
  maxBytes?: number;
  clock?: Clock;
  /** How many times to start over when the file changed under us. */
  maxAttempts?: number;
  /** Test seam: runs after our read, before our commit (simulates another program writing). */
  betweenReadAndWrite?: () => Promise<void>;
}

const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

export async function editConfigEntry(filePath: string, edit: EntryEdit, options: ConfigEditOptions): Promise<ConfigEditOutcome> {
  let target: string;
  try {
    target = await resolveWriteTarget(filePath);
  } catch (err) {
    return { status: 'skipped', path: filePath, reason: reasonOf(err) };
  }
  const stat = await fs.stat(target).catch(() => undefined);
  if (edit.value === undefined && !stat) return { status: 'unchanged', path: target };
  // A file its owner made read-only is a decision we respect, even where we could rename over it.
  if (stat && (stat.mode & 0o200) === 0) return { status: 'skipped', path: target, reason: `${target} is read-only; make it writable to let 1Claw update its entry` };
  try {
    return await withFileLock(target, () => editLocked(target, edit, options), { clock: options.clock });
  } catch (err) {
    return { status: 'skipped', path: target, reason: reasonOf(err) };
  }
}

async function editLocked(target: string, edit: EntryEdit, options: ConfigEditOptions): Promise<ConfigEditOutcome> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const attempts = options.maxAttempts ?? 5;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const before = await readTextFile(target, maxBytes);
    let next: string;
    try {
      next = applyEntryEdit(before.text, edit);
    } catch (err) {
      if (!(err instanceof InvalidConfigError)) throw err;
      const backupPath = await copyAside(target);
      return { status: 'skipped', path: target, reason: `${target} was left untouched because ${err.message}`, backupPath };
    }
    if (next === before.text) {
      if (options.holdsCredential && before.exists) await tightenMode(target);
      return { status: 'unchanged', path: target };
    }
    await options.betweenReadAndWrite?.();
    // The program that owns the file may have written it since we read it: start over if so.
    const unchanged = async () => {
      const recheck = await readTextFile(target, maxBytes);
      return recheck.text === before.text && recheck.exists === before.exists;
    };
    try {
      await writeFileAtomic(target, next, { mode: 0o600, forceMode: options.holdsCredential, dirMode: 0o700, beforeCommit: unchanged });
    } catch (err) {
      if (!(err instanceof WriteAbandoned)) throw err;
      await (options.clock ?? systemClock).sleep(10 + attempt * 20);
      continue;
    }
    return { status: edit.value === undefined ? 'removed' : 'written', path: target };
  }
  return { status: 'skipped', path: target, reason: `${target} kept changing while we tried to update it; try again` };
}

async function tightenMode(target: string): Promise<void> {
  const stat = await fs.stat(target);
  if ((stat.mode & 0o077) !== 0) await fs.chmod(target, 0o600);
}

/**
 * Keep a copy of a file we refuse to edit, so the user can see what we saw; the original is not
 * touched. Named by content hash, so retries do not pile up copies of the same bytes.
 */
async function copyAside(target: string): Promise<string | undefined> {
  try {
    const digest = createHash('sha256').update(await fs.readFile(target)).digest('hex').slice(0, 12);
    const backupPath = `${target}.1claw-unparsable-${digest}.bak`;
    await fs.copyFile(target, backupPath, fsConstants.COPYFILE_EXCL).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    await fs.chmod(backupPath, 0o600);
    return backupPath;
  } catch {
    return undefined;
  }
}

function reasonOf(err: unknown): string {
  if (err instanceof FileSafetyError) return err.message;
  if (isErrno(err, 'EACCES') || isErrno(err, 'EPERM')) return `permission denied (${(err as NodeJS.ErrnoException).path ?? 'file'})`;
  if (isErrno(err, 'EISDIR')) return 'a directory stands where the file should be';
  if (isErrno(err, 'ELOOP')) return 'the path is a symlink loop';
  if (isErrno(err, 'ENOTDIR')) return 'a file stands where a directory should be';
  if (isErrno(err, 'EROFS')) return 'the file system is read-only';
  if (isErrno(err, 'ENOSPC')) return 'the disk is full';
  return err instanceof Error ? err.message : String(err);
}
