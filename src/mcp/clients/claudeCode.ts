/**
 * Claude Code, user scope: our entry in `~/.claude.json` (or `$CLAUDE_CONFIG_DIR/.claude.json`).
 * By default (`fresh`) the entry holds no credential: it runs the headers helper, which answers
 * from a token cache and exchanges the key at most once per token lifetime. The entry goes
 * through the real `claude mcp add-json` / `remove` when `claude` is installed, otherwise through
 * the careful file edit; a `static` entry (it holds the key) always takes the file edit, since a
 * key must never be a process argument.
 */
import { isDeepStrictEqual } from 'node:util';
import * as path from 'node:path';
import { keyFingerprint } from '../../credentials/agentRecord';
import { oneClawHome, type OneClawHome } from '../../credentials/home';
import { headersLine, writeTokenCache } from '../../credentials/tokenCache';
import { readTextFile } from '../../util/files';
import { editConfigEntry, type ConfigEditOutcome } from '../edit/configFile';
import { readJsonEntry } from '../edit/json';
import { claudeCodeEntry } from '../entries';
import { installHeadersHelper, removeHeadersHelper } from '../helper/install';
import { readRegistration } from '../helper/registration';
import type { McpConnection, McpRegistrar, RegistrationResult } from '../registrar';
import { claudeAddJson, claudeRemove, findClaude, type ClaudeCli } from './claudeCli';
import type { ClientContext, KnownClient } from './client';
import { describe } from './outcome';

export { describe } from './outcome';

export function claudeConfigPath(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const dir = env.CLAUDE_CONFIG_DIR && env.CLAUDE_CONFIG_DIR.trim() !== '' ? env.CLAUDE_CONFIG_DIR : home;
  return path.join(dir, '.claude.json');
}

/** What the registration depends on: the same context every known client gets (env: CLAUDE_CONFIG_DIR, PATH for `claude` and `node`, XDG_RUNTIME_DIR). */
export type ClaudeCodeOptions = ClientContext;

export class ClaudeCodeRegistrar implements McpRegistrar {
  readonly id = 'claude-code';
  readonly label = 'Claude Code';
  readonly tokenBound = false;
  private readonly layout: OneClawHome;

  constructor(private readonly options: ClaudeCodeOptions) {
    this.layout = oneClawHome(options.home);
  }

  get configPath(): string {
    return this.options.paths?.['claude-code'] ?? claudeConfigPath(this.options.env, this.options.home);
  }

  async register(connection: McpConnection): Promise<RegistrationResult> {
    const result = await this.registerEntry(connection);
    return { ...result, credential: this.options.style === 'static' ? 'static' : 'helper' };
  }

  private async registerEntry(connection: McpConnection): Promise<RegistrationResult> {
    const target = { url: connection.url, vaultId: connection.vaultId };
    if (this.options.style === 'static') {
      const entry = claudeCodeEntry(target, { kind: 'static', agentKey: connection.agentKey });
      return describe(await this.editFile(entry, true), this.label);
    }
    const { wrapper } = await installHeadersHelper({ layout: this.layout, env: this.options.env, cliSource: this.options.cliSource, logger: this.options.logger, node: this.options.node }, this.options.serverName, connection);
    const entry = claudeCodeEntry(target, { kind: 'helper', helperPath: wrapper });
    if (sameHelperEntry(await this.currentEntry(), entry, this.options.home)) return { ok: true, detail: `${this.label}: ${this.configPath} already up to date.`, path: this.configPath };
    const cli = this.cli();
    if (cli) {
      if ((await this.currentEntry()) !== undefined) await claudeRemove(cli, this.options.serverName);
      const added = await claudeAddJson(cli, this.options.serverName, entry);
      if (added.ok && isDeepStrictEqual(await this.currentEntry(), entry)) return { ok: true, detail: `${this.label}: entry added with \`claude mcp add-json --scope user\` (${this.configPath}).`, path: this.configPath };
      this.options.logger.warn(`${this.label}: \`claude mcp add-json\` did not take (${added.output || 'no output'}); editing ${this.configPath} directly.`);
    }
    return describe(await this.editFile(entry, false), this.label);
  }

  async unregister(): Promise<RegistrationResult> {
    await removeHeadersHelper(this.layout, this.options.serverName);
    const cli = this.cli();
    if (cli && (await this.currentEntry()) !== undefined) {
      const removed = await claudeRemove(cli, this.options.serverName);
      if (removed.ok && (await this.currentEntry()) === undefined) return { ok: true, detail: `${this.label}: entry removed with \`claude mcp remove --scope user\` (${this.configPath}).`, path: this.configPath };
    }
    return describe(await this.editFile(undefined, false), this.label);
  }

  /** The editor was issued a token for the registered agent: the helper answers from it, so it never exchanges while the editor runs. */
  async tokenIssued(connection: McpConnection): Promise<void> {
    if (this.options.style !== 'fresh' || !connection.token || connection.tokenExpiresAt === undefined) return;
    const registration = await readRegistration(this.layout.helperRegistration(this.options.serverName)).catch(() => undefined);
    // Only a token for exactly what the helper was registered for: this key, this vault, this API.
    if (!registration || registration.key_source.fingerprint !== keyFingerprint(connection.agentKey) || registration.vault_id !== connection.vaultId || registration.api_base_url !== connection.apiBaseUrl) return;
    await writeTokenCache(registration.token_cache, { expiresAtSeconds: Math.floor(connection.tokenExpiresAt / 1000), headersLine: headersLine(connection.token, connection.vaultId) });
  }

  private cli(): ClaudeCli | undefined {
    // `claude mcp` writes only the file Claude Code reads; a file the template moved takes the file edit.
    if (this.configPath !== claudeConfigPath(this.options.env, this.options.home)) return undefined;
    const binary = this.options.claudeBinary === null ? undefined : (this.options.claudeBinary ?? findClaude(this.options.env));
    return binary ? { binary, env: { ...this.options.env, HOME: this.options.home } } : undefined;
  }

  private async currentEntry(): Promise<unknown> {
    try {
      return readJsonEntry((await readTextFile(this.configPath, 32 * 1024 * 1024)).text, { container: 'mcpServers', name: this.options.serverName });
    } catch {
      return undefined;
    }
  }

  private editFile(value: Record<string, unknown> | undefined, holdsCredential: boolean): Promise<ConfigEditOutcome> {
    return editConfigEntry(this.configPath, { container: 'mcpServers', name: this.options.serverName, value }, { holdsCredential });
  }
}

/**
 * Whether the entry there already does what ours does. The Coder module's `claude_code_mcp`
 * output (for Coder's claude-code module) must spell the helper `$HOME/…`, Terraform not knowing
 * the home directory, and may lack X-Vault-ID (the helper prints it anyway): that entry is ours
 * too, so the two modules do not rewrite each other's entry at every start.
 */
export function sameHelperEntry(current: unknown, wanted: Record<string, unknown>, home: string): boolean {
  if (isDeepStrictEqual(current, wanted)) return true;
  if (typeof current !== 'object' || current === null || Array.isArray(current)) return false;
  const { type, url, headers, headersHelper, ...rest } = current as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || type !== wanted['type'] || url !== wanted['url']) return false;
  if (headers !== undefined && !isDeepStrictEqual(headers, wanted['headers'])) return false;
  const helper = typeof headersHelper === 'string' ? headersHelper.replace(/^(\$HOME|\$\{HOME\}|~)\//, `${home}/`) : undefined;
  return helper === wanted['headersHelper'];
}

export const claudeCodeClient: KnownClient = {
  id: 'claude-code',
  label: 'Claude Code',
  kind: 'terminal',
  configPath: (ctx) => ctx.paths?.['claude-code'] ?? claudeConfigPath(ctx.env, ctx.home),
  files: (ctx) => [ctx.paths?.['claude-code'] ?? claudeConfigPath(ctx.env, ctx.home)],
  format: 'json',
  container: 'mcpServers',
  presence: { binaries: ['claude'], markers: (ctx) => [path.join(ctx.home, '.claude'), claudeConfigPath(ctx.env, ctx.home)] },
  forms: ['helper'],
  registrar: (ctx) => new ClaudeCodeRegistrar(ctx),
};
