/**
 * Claude Code, user scope: our entry in `~/.claude.json` (or `$CLAUDE_CONFIG_DIR/.claude.json`).
 * By default the entry runs a headers helper that exchanges the agent key for a fresh JWT at
 * every connection, so the file holds no credential and keeps working with the editor closed.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CredentialStyle } from '../settings';
import { writeFileAtomic } from '../util/files';
import { editConfigEntry, type ConfigEditOutcome } from './edit';
import { claudeCodeEntry, headersHelperPath } from './entries';
import type { McpConnection, McpRegistrar, RegistrationResult } from './registrar';

export function claudeConfigPath(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const dir = env.CLAUDE_CONFIG_DIR && env.CLAUDE_CONFIG_DIR.trim() !== '' ? env.CLAUDE_CONFIG_DIR : home;
  return path.join(dir, '.claude.json');
}

export interface ClaudeCodeOptions {
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  serverName: string;
  style: CredentialStyle;
  /** The helper script shipped in the extension (dist/oneclaw-mcp-headers.sh). */
  helperSource: string;
}

export class ClaudeCodeRegistrar implements McpRegistrar {
  readonly id = 'claudeCode';
  readonly label = 'Claude Code';
  readonly tokenBound = false;

  constructor(private readonly options: ClaudeCodeOptions) {}

  get configPath(): string {
    return claudeConfigPath(this.options.env, this.options.home);
  }

  async register(connection: McpConnection): Promise<RegistrationResult> {
    const target = { url: connection.url, vaultId: connection.vaultId };
    let entry: Record<string, unknown>;
    if (this.options.style === 'static') {
      entry = claudeCodeEntry(target, { kind: 'static', agentKey: connection.agentKey });
    } else {
      const helperPath = await installHeadersHelper(this.options.helperSource, this.options.home);
      entry = claudeCodeEntry(target, { kind: 'helper', helperPath });
    }
    const outcome = await editConfigEntry(this.configPath, { container: 'mcpServers', name: this.options.serverName, value: entry }, { holdsCredential: this.options.style === 'static' });
    return describe(outcome, this.label);
  }

  async unregister(): Promise<RegistrationResult> {
    const outcome = await editConfigEntry(this.configPath, { container: 'mcpServers', name: this.options.serverName, value: undefined }, { holdsCredential: false });
    return describe(outcome, this.label);
  }
}

/** Copy the helper to its stable path (0700); rewritten only when its content changed. */
export async function installHeadersHelper(source: string, home: string): Promise<string> {
  const target = headersHelperPath(home);
  const content = await fs.readFile(source);
  const current = await fs.readFile(target).catch(() => undefined);
  if (!current || !current.equals(content)) {
    await writeFileAtomic(target, content, { mode: 0o700, forceMode: true, dirMode: 0o700 });
  }
  return target;
}

export function describe(outcome: ConfigEditOutcome, label: string): RegistrationResult {
  switch (outcome.status) {
    case 'written':
      return { ok: true, detail: `${label}: entry written to ${outcome.path}.`, path: outcome.path };
    case 'unchanged':
      return { ok: true, detail: `${label}: ${outcome.path} already up to date.`, path: outcome.path };
    case 'removed':
      return { ok: true, detail: `${label}: entry removed from ${outcome.path}.`, path: outcome.path };
    case 'skipped': {
      const backup = outcome.backupPath ? ` A copy of what was there is at ${outcome.backupPath}.` : '';
      return { ok: false, detail: `${label} was skipped: ${outcome.reason}.${backup}`, path: outcome.path, backupPath: outcome.backupPath };
    }
  }
}
