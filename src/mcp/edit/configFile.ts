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
 *   (once its writer is done) with our entry replaces our file — only if our file is still exactly
 *   what we wrote: a write made after our rename is never rolled back.
 * - What no check can close without an atomic compare-and-rename (Linux renameat2, not in Node): a
 *   writer that takes no lock and renames, or truncates in place, in the microseconds between our
 *   last check and our rename. A rename there is lost; an in-place write there is put back unless
 *   the file is rewritten from our version before the repair lands. See the README.
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
  /**
   * Test seam for the one window no check can close (see commit): `during` runs inside it, between
   * our last identity check and our rename (where a busy machine may stop us); `done` is told when
   * it opened and closed (process.hrtime.bigint(), shared by every process on the machine).
   */
  commitWindow?: { during?: () => void; done?: (checkedNs: bigint, renamedNs: bigint) => void };
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

/**
 * A file at the path as we saw it: identity and bytes when we read them (no identity: there was
 * no file), and a handle that stays open on it, so writes into it are seen after it is replaced.
 */
interface Seen {
  identity?: FileIdentity;
  bytes: Buffer;
  handle?: fs.FileHandle;
}

/**
 * A late in-place write: another program wrote into a file we had just replaced. Its bytes are
 * the repair's starting point; our file, exactly as we wrote it, is what the repair may replace.
 */
interface Late {
  source: Seen;
  ours: Seen;
  mode: number;
}

type AttemptResult = ConfigEditOutcome | 'retry' | { late: Late };

class Session {
  private readonly clock: Clock;
  private readonly editor: FormatEditor;
  private readonly maxBytes: number;
  private readonly settleMs: number;
  /** Open for the whole operation, closed at its end. */
  private readonly handles: fs.FileHandle[] = [];
  /** One of our commits landed: an attempt that then finds nothing left to do still wrote the file. */
  private committed = false;

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
    let late: Late | undefined;
    try {
      for (let attempt = 0; attempt < attempts; attempt++) {
        const repair = late;
        late = undefined;
        const outcome = repair ? await this.repair(repair) : await this.fromPath();
        if (outcome === 'retry') {
          await this.clock.sleep(10 + attempt * 20);
          continue;
        }
        if ('late' in outcome) {
          late = outcome.late;
          continue;
        }
        return outcome;
      }
    } finally {
      await Promise.all(this.handles.map((handle) => handle.close().catch(() => undefined)));
    }
    return { status: 'skipped', path: this.target, reason: `${this.target} kept changing while 1Claw tried to update it; try again` };
  }

  /** Read the file at the path and apply our edit to it. */
  private async fromPath(): Promise<AttemptResult> {
    const base = await readSnapshot(this.target, this.maxBytes);
    if (base.handle) this.handles.push(base.handle);
    if (base.bytes.length > 0) this.sawContent = true;
    if (base.exists && base.bytes.length === 0 && (this.sawContent || !(await this.stable(base)))) return 'retry';
    const decoded = decodeFile(base.bytes);
    let next: string;
    try {
      next = this.editor.apply(decoded.text, this.edit);
    } catch (err) {
      if (!(err instanceof InvalidConfigError)) throw err;
      // Half written by a program that rewrites in place? Only a stable text is refused.
      if (!(await this.stable(base))) return 'retry';
      const backupPath = await copyAside(this.target, base.bytes);
      return { status: 'skipped', path: this.target, reason: `${this.target} was left untouched because ${err.message}`, backupPath };
    }
    if (next === decoded.text) {
      if (this.options.holdsCredential && base.handle && base.identity && (base.identity.mode & 0o777) !== 0o600) await base.handle.chmod(0o600);
      return this.done('unchanged');
    }
    const mode = this.options.holdsCredential || !base.identity ? 0o600 : base.identity.mode;
    const seen = { identity: base.identity, bytes: base.bytes, handle: base.handle };
    return this.write(encodeFile(base.bytes, decoded, next), mode, seen, [seen]);
  }

  /**
   * Put a late in-place write back: its bytes with our edit replace our file — only if our file is
   * still exactly what we wrote, so nothing written after our rename is ever rolled back. Its
   * bytes go back as they are when they already say what our edit wants, or do not parse.
   */
  private async repair(late: Late): Promise<AttemptResult> {
    const decoded = decodeFile(late.source.bytes);
    let next: string | undefined;
    try {
      next = this.editor.apply(decoded.text, this.edit);
    } catch (err) {
      if (!(err instanceof InvalidConfigError)) throw err;
    }
    const data = next === undefined || next === decoded.text ? late.source.bytes : encodeFile(late.source.bytes, decoded, next);
    // After the commit, look again at our file (a write in this commit's window) and at the source (its writer may not be done).
    const outcome = await this.write(data, late.mode, late.ours, [late.ours, late.source]);
    if (next !== undefined || outcome === 'retry' || 'late' in outcome) return outcome;
    return { status: 'skipped', path: this.target, reason: `another program rewrote ${this.target} while 1Claw was updating it and what it wrote does not parse; it was kept as written` };
  }

  /** Write `data` beside the file and rename it over `expected`; then look for late writes into `watch`. */
  private async write(data: Buffer, mode: number, expected: Seen, watch: Seen[]): Promise<AttemptResult> {
    await this.options.betweenReadAndWrite?.();
    const temp = await writeTempBeside(this.target, data, mode);
    let committed = false;
    try {
      // Opened before the rename: a repair must replace exactly this file, not whatever the path names by then.
      const ours = await fs.open(temp, fsConstants.O_RDONLY);
      this.handles.push(ours);
      committed = await this.commit(temp, expected);
      if (!committed) return 'retry';
      this.committed = true;
      const identity = identityOf(await ours.stat({ bigint: true }));
      await syncDirectory(path.dirname(this.target));
      const source = await this.lateWrite(watch);
      if (source) return { late: { source, ours: { identity, bytes: data, handle: ours }, mode } };
      return this.done(this.edit.value === undefined ? 'removed' : 'written');
    } finally {
      if (!committed) await fs.rm(temp, { force: true }).catch(() => undefined);
    }
  }

  private done(status: 'written' | 'removed' | 'unchanged'): ConfigEditOutcome {
    if (status === 'unchanged' && this.committed) return { status: this.edit.value === undefined ? 'removed' : 'written', path: this.target };
    return { status, path: this.target };
  }

  /**
   * Replace the file with `temp` only if it is still exactly what we read. What remains: a writer
   * that takes no lock and renames (or opens in place) between our last check and our rename. The
   * check and the rename run back to back, synchronously; closing that window needs an atomic
   * compare-and-rename, which no file system call Node offers gives (see the README).
   */
  private async commit(temp: string, expected: Seen): Promise<boolean> {
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
    const window = this.options.commitWindow;
    const checkedNs = window ? process.hrtime.bigint() : 0n;
    let identity: FileIdentity;
    try {
      identity = identityOf(fsSync.statSync(this.target, { bigint: true }));
    } catch {
      return false;
    }
    if (!sameIdentity(identity, expected.identity)) return false;
    window?.during?.();
    fsSync.renameSync(temp, this.target);
    window?.done?.(checkedNs, process.hrtime.bigint());
    return true;
  }

  /**
   * A program that opened the file before our rename writes into the file we replaced. A
   * truncating open shows at once (it came before our rename); a later write, at the second look.
   * What it wrote, once its writer is done, is returned (nothing when it only truncated).
   */
  private async lateWrite(watch: Seen[]): Promise<Seen | undefined> {
    for (const wait of [0, 25]) {
      if (wait) await this.clock.sleep(wait);
      for (const seen of watch) {
        if (!seen.handle || !seen.identity) continue;
        // Our rename changed the inode's ctime (one link fewer); a write changes its size, mtime or bytes.
        const now = identityOf(await seen.handle.stat({ bigint: true }));
        if (now.size === seen.identity.size && now.mtimeNs === seen.identity.mtimeNs && (await readAll(seen.handle, this.target, this.maxBytes)).equals(seen.bytes)) continue;
        const settled = await this.settled(seen.handle);
        return settled.bytes.length > 0 ? settled : undefined;
      }
    }
    return undefined;
  }

  /**
   * A replaced file's content once its writer is done: unchanged for a moment and parsable, or
   * unchanged for settleMs (a second when empty: a program rewriting in place writes right after
   * it truncates); whatever it holds after two seconds. Fast, because until it is back at the path
   * any reader — its own writer first — sees the file without it.
   */
  private async settled(handle: fs.FileHandle): Promise<Seen> {
    const started = this.clock.now();
    let identity = identityOf(await handle.stat({ bigint: true }));
    let quietSince = started;
    for (let poll = 0; poll < 1_000 && this.clock.now() - started < 2_000; poll++) {
      // The first look is at once: a writer done before we looked is the common case, and one that
      // is not is seen again after the repair (its file stays watched).
      if (poll > 0) await this.clock.sleep(2);
      const again = identityOf(await handle.stat({ bigint: true }));
      if (!sameIdentity(again, identity)) {
        identity = again;
        quietSince = this.clock.now();
        continue;
      }
      const quiet = this.clock.now() - quietSince;
      const bytes = await readAll(handle, this.target, this.maxBytes);
      const done = bytes.length > 0 ? quiet >= this.settleMs || this.parses(bytes) : quiet >= 1_000;
      if (done && sameIdentity(identityOf(await handle.stat({ bigint: true })), identity)) return { identity, bytes, handle };
    }
    return { identity, bytes: await readAll(handle, this.target, this.maxBytes), handle };
  }

  private parses(bytes: Buffer): boolean {
    try {
      this.editor.apply(decodeFile(bytes).text, this.edit);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * True when what we read has stopped changing: the inode's identity and bytes are the same after
   * a moment and the path still names it. An empty file must also have been empty for a while: a
   * program rewriting in place writes right after it truncates.
   */
  private async stable(base: Snapshot): Promise<boolean> {
    if (!base.handle || !base.identity) return true;
    const emptyFor = base.bytes.length === 0 ? Date.now() - Number(base.identity.mtimeNs / 1_000_000n) : Infinity;
    const wait = Math.max(this.settleMs, Math.min(1_000, 1_000 - emptyFor));
    for (let waited = 0; waited < wait; waited += 50) {
      await this.clock.sleep(Math.min(50, wait - waited));
      if (!sameIdentity(identityOf(await base.handle.stat({ bigint: true })), base.identity)) return false;
    }
    if (!(await readAll(base.handle, this.target, this.maxBytes)).equals(base.bytes)) return false;
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
