/**
 * Updating our entry in another program's config file, whatever its format, without ever losing
 * a byte of theirs — even while that program, or anything else, writes the file at the same time.
 *
 * - Our own processes take a cooperative lock; other programs take none, so nothing below trusts it.
 * - The file is read as bytes with its identity (device, inode, size, mtime, ctime), from a
 *   handle opened O_NONBLOCK: a FIFO or device at the path is refused at once, never waited on.
 * - An empty file is only treated as empty once it has stayed empty and unchanged for a moment,
 *   and never when this operation saw it non-empty: a program that rewrites in place truncates
 *   first, and a fresh document built from that moment would replace its whole file.
 * - Text that does not parse is re-read after a moment too (it may be half written); only when it
 *   is stable is it refused: left byte for byte, a copy kept aside.
 * - Before the rename, the file is read again and compared by identity AND content; right before
 *   the rename (synchronously) its identity is checked once more. Any change: start over, bounded.
 * - After the rename, the replaced inode — still open — is checked for a late in-place write (a
 *   program that opened the file before our rename and wrote after it). If one landed, its content
 *   becomes the new starting point and our entry is applied to it: nothing is lost.
 * - Invalid UTF-8 elsewhere is kept byte for byte (see bytes.ts). A file holding a credential
 *   ends 0600, whatever it was before.
 */
import { createHash } from 'node:crypto';
import * as fsSync from 'node:fs';
import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { systemClock, type Clock } from '../../util/clock';
import { FileSafetyError, identityOf, isErrno, readAll, readSnapshot, resolveWriteTarget, sameIdentity, syncDirectory, withFileLock, writeTempBeside, type FileIdentity, type Snapshot } from '../../util/files';
import { decodeFile, encodeFile } from './bytes';
import { jsonEditor } from './json';
import { InvalidConfigError, type EntryEdit, type FormatEditor } from './types';

export type ConfigEditOutcome =
  | { status: 'written' | 'unchanged' | 'removed'; path: string }
  | { status: 'skipped'; path: string; reason: string; backupPath?: string };

export interface ConfigEditOptions {
  /**
   * The file's format editor: `editorFor('toml')` etc. from src/mcp/edit (default JSON, which
   * covers JSONC). Passed in, so code that edits only JSON files does not bundle the other parsers.
   */
  editor?: FormatEditor;
  /** Force 0600 on the file: set when the entry holds a credential. */
  holdsCredential: boolean;
  maxBytes?: number;
  clock?: Clock;
  /** How many times to start over when the file changed under us. */
  maxAttempts?: number;
  /** How long a file must stay unchanged before we trust that it is empty or unparsable. */
  settleMs?: number;
  /** Test seam: runs after our read, before our commit (simulates another program writing). */
  betweenReadAndWrite?: () => Promise<void>;
}

const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

export async function editConfigFile(filePath: string, edit: EntryEdit, options: ConfigEditOptions): Promise<ConfigEditOutcome> {
  let target: string;
  try {
    target = await resolveWriteTarget(filePath);
  } catch (err) {
    return { status: 'skipped', path: filePath, reason: reasonOf(err) };
  }
  const stat = await fs.stat(target).catch(() => undefined);
  if (stat && !stat.isFile()) return { status: 'skipped', path: target, reason: `${target} is not a regular file` };
  if (edit.value === undefined && !stat) return { status: 'unchanged', path: target };
  // A file its owner made read-only is a decision we respect, even where we could rename over it.
  if (stat && (stat.mode & 0o200) === 0) return { status: 'skipped', path: target, reason: `${target} is read-only; make it writable to let 1Claw update its entry` };
  try {
    return await withFileLock(target, () => new Session(target, edit, options, (stat?.size ?? 0) > 0).run(), { clock: options.clock });
  } catch (err) {
    return { status: 'skipped', path: target, reason: reasonOf(err) };
  }
}

/** The earlier name, kept for the callers that use it. */
export const editConfigEntry = editConfigFile;

/** What we replace: the path's identity and bytes when we read them (absent: the file did not exist). */
interface Expected {
  identity?: FileIdentity;
  bytes: Buffer;
}

class Session {
  private readonly clock: Clock;
  private readonly editor: FormatEditor;
  private readonly maxBytes: number;
  private readonly settleMs: number;

  constructor(
    private readonly target: string,
    private readonly edit: EntryEdit,
    private readonly options: ConfigEditOptions,
    /** This operation has seen the file non-empty: it may never be treated as empty again. */
    private sawContent: boolean,
  ) {
    this.clock = options.clock ?? systemClock;
    this.editor = options.editor ?? jsonEditor;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.settleMs = options.settleMs ?? 150;
  }

  async run(): Promise<ConfigEditOutcome> {
    const attempts = this.options.maxAttempts ?? 8;
    // Normally each attempt starts from the file at the path; after a late in-place write it
    // starts from what that write left in the inode we replaced.
    let late: { base: Snapshot; expected: Expected } | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const fromPath = !late;
      const base = late?.base ?? (await readSnapshot(this.target, this.maxBytes));
      const expected = late?.expected ?? { identity: base.identity, bytes: base.bytes };
      late = undefined;
      try {
        if (base.bytes.length > 0) this.sawContent = true;
        const outcome = await this.attempt(base, expected, fromPath);
        if (outcome === 'retry') {
          await this.clock.sleep(10 + attempt * 20);
          continue;
        }
        if ('late' in outcome) {
          late = outcome.late;
          continue;
        }
        return outcome;
      } finally {
        if (base.handle && base.handle !== late?.base.handle) await base.handle.close().catch(() => undefined);
      }
    }
    return { status: 'skipped', path: this.target, reason: `${this.target} kept changing while 1Claw tried to update it; try again` };
  }

  private async attempt(base: Snapshot, expected: Expected, fromPath: boolean): Promise<ConfigEditOutcome | 'retry' | { late: { base: Snapshot; expected: Expected } }> {
    if (base.exists && base.bytes.length === 0 && (this.sawContent || !(await this.stable(base, fromPath)))) return 'retry';
    const decoded = decodeFile(base.bytes);
    let next: string;
    try {
      next = this.editor.apply(decoded.text, this.edit);
    } catch (err) {
      if (!(err instanceof InvalidConfigError)) throw err;
      // Half written by a program that rewrites in place? Only a stable text is refused.
      if (!(await this.stable(base, fromPath))) return 'retry';
      const backupPath = await copyAside(this.target, base.bytes);
      return { status: 'skipped', path: this.target, reason: `${this.target} was left untouched because ${err.message}`, backupPath };
    }
    if (next === decoded.text) {
      if (this.options.holdsCredential && base.handle && base.identity && (base.identity.mode & 0o777) !== 0o600) await base.handle.chmod(0o600);
      return { status: 'unchanged', path: this.target };
    }
    const mode = this.options.holdsCredential || !base.identity ? 0o600 : base.identity.mode;
    await this.options.betweenReadAndWrite?.();
    const temp = await writeTempBeside(this.target, encodeFile(base.bytes, decoded, next), mode);
    let committed = false;
    try {
      committed = await this.commit(temp, expected);
    } finally {
      if (!committed) await fs.rm(temp, { force: true }).catch(() => undefined);
    }
    if (!committed) return 'retry';
    await syncDirectory(path.dirname(this.target));
    const lateWrite = await this.lateWrite(base);
    if (lateWrite) return { late: lateWrite };
    return { status: this.edit.value === undefined ? 'removed' : 'written', path: this.target };
  }

  /** Replace the file with `temp` only if it is still exactly what we read. */
  private async commit(temp: string, expected: Expected): Promise<boolean> {
    const now = await readSnapshot(this.target, this.maxBytes);
    await now.handle?.close();
    if (!expected.identity) {
      if (now.exists) return false;
      // Create without replacing: link() fails if someone created the file meanwhile.
      try {
        fsSync.linkSync(temp, this.target);
      } catch (err) {
        if (isErrno(err, 'EEXIST')) return false;
        throw err;
      }
      fsSync.unlinkSync(temp);
      return true;
    }
    if (!now.identity || !sameIdentity(now.identity, expected.identity) || !now.bytes.equals(expected.bytes)) return false;
    // The last check and the rename, back to back, with nothing asynchronous in between.
    let identity: FileIdentity;
    try {
      identity = identityOf(fsSync.statSync(this.target, { bigint: true }));
    } catch {
      return false;
    }
    if (!sameIdentity(identity, expected.identity)) return false;
    fsSync.renameSync(temp, this.target);
    return true;
  }

  /**
   * A program that opened the file before our rename may write into the inode we replaced. Look
   * twice (at once, and after a moment); if it changed, its new content is where we start again,
   * replacing the file we just wrote.
   */
  private async lateWrite(base: Snapshot): Promise<{ base: Snapshot; expected: Expected } | undefined> {
    if (!base.handle || !base.identity) return undefined;
    for (const wait of [0, 25]) {
      if (wait) await this.clock.sleep(wait);
      // Our rename changed the inode's ctime (one link fewer); a write changes its size, mtime or bytes.
      const now = identityOf(await base.handle.stat({ bigint: true }));
      const unchanged = now.size === base.identity.size && now.mtimeNs === base.identity.mtimeNs && (await readAll(base.handle, this.target, this.maxBytes)).equals(base.bytes);
      if (unchanged) continue;
      const settled = await this.settleInode(base);
      const ours = await readSnapshot(this.target, this.maxBytes);
      await ours.handle?.close();
      if (!ours.identity) return undefined;
      return { base: settled, expected: { identity: ours.identity, bytes: ours.bytes } };
    }
    return undefined;
  }

  /** The replaced inode's content once it has stopped changing (bounded). */
  private async settleInode(base: Snapshot): Promise<Snapshot> {
    let identity = identityOf(await base.handle!.stat({ bigint: true }));
    for (let i = 0; i < 50; i++) {
      await this.clock.sleep(10);
      const again = identityOf(await base.handle!.stat({ bigint: true }));
      if (sameIdentity(again, identity)) break;
      identity = again;
    }
    const bytes = await readAll(base.handle!, this.target, this.maxBytes);
    return { exists: true, bytes, identity, handle: base.handle };
  }

  /**
   * True when what we read has stopped changing: the inode's identity and bytes are the same after
   * a moment (and, when it came from the path, the path still names it). An empty file must also
   * have been empty for a while: a program rewriting in place writes right after it truncates.
   */
  private async stable(base: Snapshot, fromPath: boolean): Promise<boolean> {
    if (!base.handle || !base.identity) return true;
    const emptyFor = base.bytes.length === 0 ? Date.now() - Number(base.identity.mtimeNs / 1_000_000n) : Infinity;
    const wait = Math.max(this.settleMs, Math.min(1_000, 1_000 - emptyFor));
    for (let waited = 0; waited < wait; waited += 50) {
      await this.clock.sleep(Math.min(50, wait - waited));
      if (!sameIdentity(identityOf(await base.handle.stat({ bigint: true })), base.identity)) return false;
    }
    if (!(await readAll(base.handle, this.target, this.maxBytes)).equals(base.bytes)) return false;
    if (!fromPath) return true;
    const again = await readSnapshot(this.target, this.maxBytes);
    await again.handle?.close();
    return !!again.identity && sameIdentity(again.identity, base.identity) && again.bytes.equals(base.bytes);
  }
}

/**
 * Keep a copy of a file we refuse to edit (the bytes we saw), so the user can see what we saw; the
 * original is not touched. Named by content hash, so retries do not pile up copies.
 */
async function copyAside(target: string, bytes: Buffer): Promise<string | undefined> {
  try {
    const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
    const backupPath = `${target}.1claw-unparsable-${digest}.bak`;
    const handle = await fs.open(backupPath, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
      return undefined;
    });
    if (handle) {
      await handle.writeFile(bytes);
      await handle.close();
    }
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
