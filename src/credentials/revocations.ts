/**
 * The revocation memory, `~/.1claw/revoked.json` (0600):
 * `{"revoked":[{"fingerprint":"<sha256 hex 32>","at":"<iso>","cleared_at"?:"<iso>"}]}`.
 * Written by revoke (editor or CLI). While any entry is not cleared the workspace is revoked:
 * no automatic bootstrap (template session, start script, reload) runs. Only an explicit user
 * action (Bootstrap, `oneclaw bootstrap`) clears entries, and an injected key whose fingerprint
 * is listed is never used again, cleared or not.
 */
import { readTextFile, writeFileAtomic } from '../util/files';
import { keyFingerprint } from './agentRecord';

export interface RevocationEntry {
  fingerprint: string;
  at: string;
  cleared_at?: string;
}

const MAX_ENTRIES = 50;

export class RevocationMemory {
  constructor(
    private readonly filePath: string,
    private readonly now: () => number = Date.now,
  ) {}

  async entries(): Promise<RevocationEntry[]> {
    try {
      const read = await readTextFile(this.filePath, 256 * 1024);
      if (!read.exists) return [];
      const json = JSON.parse(read.text) as { revoked?: unknown };
      if (!Array.isArray(json.revoked)) return [];
      return json.revoked.filter((e): e is RevocationEntry => typeof e === 'object' && e !== null && typeof (e as RevocationEntry).fingerprint === 'string' && typeof (e as RevocationEntry).at === 'string');
    } catch {
      // An unreadable memory must not block the user forever; revoke writes a fresh one.
      return [];
    }
  }

  /** True while a revocation has not been cleared by an explicit enrolment. */
  async isWorkspaceRevoked(): Promise<boolean> {
    return (await this.entries()).some((e) => e.cleared_at === undefined);
  }

  async isKeyRevoked(agentKey: string): Promise<boolean> {
    const fingerprint = keyFingerprint(agentKey);
    return (await this.entries()).some((e) => e.fingerprint === fingerprint);
  }

  /** Remember that this workspace was revoked (and which key, when there was one). */
  async remember(agentKey: string | undefined, instanceId: string): Promise<void> {
    const fingerprint = keyFingerprint(agentKey ?? `instance:${instanceId}`);
    const list = (await this.entries()).filter((e) => e.fingerprint !== fingerprint);
    list.push({ fingerprint, at: new Date(this.now()).toISOString() });
    await this.write(list);
  }

  /** An explicit enrolment: the workspace may enrol again (listed keys stay refused). */
  async clear(): Promise<void> {
    const list = await this.entries();
    if (!list.some((e) => e.cleared_at === undefined)) return;
    const at = new Date(this.now()).toISOString();
    await this.write(list.map((e) => (e.cleared_at === undefined ? { ...e, cleared_at: at } : e)));
  }

  /** Carry over fingerprints an older version kept in the editor's state (key revocations only). */
  async importFingerprints(fingerprints: readonly string[]): Promise<void> {
    if (fingerprints.length === 0) return;
    const list = await this.entries();
    const at = new Date(this.now()).toISOString();
    for (const fingerprint of fingerprints) if (!list.some((e) => e.fingerprint === fingerprint)) list.push({ fingerprint, at, cleared_at: at });
    await this.write(list);
  }

  private async write(list: RevocationEntry[]): Promise<void> {
    await writeFileAtomic(this.filePath, `${JSON.stringify({ revoked: list.slice(-MAX_ENTRIES) }, null, 2)}\n`, { mode: 0o600, forceMode: true, dirMode: 0o700 });
  }
}
