/**
 * A client whose MCP configuration is a user-scope file: declared by its path, format, container,
 * presence and the credential forms it supports (one small file per client in this folder), and
 * registered by one registrar. The registrar picks the best form the client and the situation
 * allow (see CredentialForm), writes only our entry through the safe file path, and removes it
 * from every file the client reads.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { oneClawHome, resolveRuntimeDir, trustedRuntimeDir } from '../../credentials/home';
import { writeFileAtomic } from '../../util/files';
import { editConfigFile, type ConfigEditOutcome } from '../edit/configFile';
import { editorFor } from '../edit';
import type { ConfigFormat } from '../edit/types';
import { AGENT_KEY_VARIABLE, type McpTarget } from '../entries';
import type { McpConnection, McpRegistrar, RegistrationResult } from '../registrar';
import type { ClientContext, ClientPresence, KnownClient, PathContext } from './client';
import type { ClientId } from './ids';
import { describe } from './outcome';

/** What an entry carries. */
export type EntryAuth =
  | { kind: 'env'; variable: string }
  | { kind: 'tokenFile'; path: string }
  | { kind: 'token'; token: string }
  | { kind: 'static'; agentKey: string };

export interface FileClientSpec {
  id: ClientId;
  label: string;
  kind: 'terminal' | 'editor';
  format: ConfigFormat;
  container: string | readonly string[];
  listKey?: string;
  configPath(ctx: PathContext): string;
  /** Other files the client also reads our kind of entry from (cleaned too). */
  alsoReads?(ctx: PathContext): string[];
  presence: ClientPresence;
  /**
   * False when the file's mere existence changes how the client behaves (Continue switches from
   * its hub configuration to a local one): we then only edit a file that is already there.
   */
  createsFile?: boolean;
  /** Forms it supports besides `static`, best first. */
  forms: ReadonlyArray<'env' | 'tokenFile' | 'token'>;
  /** The entry for this target and credential. */
  entry(target: McpTarget, auth: EntryAuth): Record<string, unknown>;
}

export function fileClient(spec: FileClientSpec): KnownClient {
  return {
    id: spec.id,
    label: spec.label,
    kind: spec.kind,
    configPath: (ctx) => configPathOf(spec, ctx),
    files: (ctx) => [configPathOf(spec, ctx), ...(spec.alsoReads?.(ctx) ?? [])],
    format: spec.format,
    container: spec.container,
    listKey: spec.listKey,
    presence: spec.presence,
    forms: [...spec.forms, 'static'],
    registrar: (ctx) => new FileClientRegistrar(spec, ctx),
  };
}

/** Where the entry goes: the path the template chose for this client, else the client's own. */
function configPathOf(spec: Pick<FileClientSpec, 'id' | 'configPath'>, ctx: PathContext): string {
  return ctx.paths?.[spec.id] ?? spec.configPath(ctx);
}

/** `Bearer …` for an auth, given how the client spells a variable reference and a file reference. */
export function bearer(auth: EntryAuth, refs: { env?: (variable: string) => string; file?: (file: string) => string }): string {
  switch (auth.kind) {
    case 'env':
      if (!refs.env) throw new TypeError('this client has no environment references');
      return `Bearer ${refs.env(auth.variable)}`;
    case 'tokenFile':
      if (!refs.file) throw new TypeError('this client has no file references');
      return `Bearer ${refs.file(auth.path)}`;
    case 'token':
      return `Bearer ${auth.token}`;
    case 'static':
      return `Bearer ${auth.agentKey}`;
  }
}

const SAFE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The 0600 file a `tokenFile` entry references: the current JWT alone, no newline. */
export function bearerFileName(serverName: string): string {
  return `mcp-bearer-${serverName}`;
}

type Choice = { auth: EntryAuth } | { skip: string };

/** The best form this client supports in this situation, or why there is none. */
export function chooseAuth(spec: Pick<FileClientSpec, 'label' | 'forms'>, ctx: Pick<ClientContext, 'style' | 'renewsTokens'>, connection: McpConnection): Choice {
  if (ctx.style === 'static') return { auth: { kind: 'static', agentKey: connection.agentKey } };
  if (spec.forms.includes('env') && connection.agentKeyFromEnv) return { auth: { kind: 'env', variable: AGENT_KEY_VARIABLE } };
  if (ctx.renewsTokens && connection.token) {
    // The file's path is decided by the registrar (the runtime directory).
    if (spec.forms.includes('tokenFile')) return { auth: { kind: 'tokenFile', path: '' } };
    if (spec.forms.includes('token')) return { auth: { kind: 'token', token: connection.token } };
  }
  if (ctx.renewsTokens && !connection.token) return { skip: `${spec.label}: waiting for the first token.` };
  const env = spec.forms.includes('env') ? ' the agent key is not in ONECLAW_AGENT_API_KEY for its entry to reference, and' : '';
  return {
    skip: `${spec.label}: not registered: it has no headers helper,${env} a short-lived token in its file would expire with nothing here to renew it. The 1Claw extension registers it while the editor runs; or inject the key (the Coder module's native mode), or choose the "static" credential style.`,
  };
}

export class FileClientRegistrar implements McpRegistrar {
  readonly id: string;
  readonly label: string;
  private carriesToken = false;

  constructor(
    private readonly spec: FileClientSpec,
    private readonly ctx: ClientContext,
  ) {
    this.id = spec.id;
    this.label = spec.label;
  }

  /** An entry carrying the JWT (or naming its file) is renewed on every refresh. */
  get tokenBound(): boolean {
    return this.carriesToken;
  }

  get configPath(): string {
    return configPathOf(this.spec, this.ctx);
  }

  async register(connection: McpConnection): Promise<RegistrationResult> {
    const file = this.configPath;
    if (this.spec.createsFile === false && !existsSync(file)) {
      return { ok: false, skipped: true, detail: `${this.label}: not registered: ${file} does not exist, and creating it would change how ${this.label} loads its configuration. Create it (it may hold just \`${JSON.stringify(this.spec.container)}\`), then register again.` };
    }
    const choice = chooseAuth(this.spec, this.ctx, connection);
    if ('skip' in choice) return { ok: false, skipped: true, detail: choice.skip };
    let auth = choice.auth;
    if (auth.kind === 'tokenFile') {
      auth = { kind: 'tokenFile', path: path.join(await resolveRuntimeDir(oneClawHome(this.ctx.home), this.ctx.env, this.ctx.logger), bearerFileName(this.ctx.serverName)) };
      await writeFileAtomic(auth.path, connection.token ?? '', { mode: 0o600, forceMode: true, dirMode: 0o700 });
    } else {
      await this.removeTokenFiles();
    }
    this.carriesToken = auth.kind === 'token' || auth.kind === 'tokenFile';
    const value = this.spec.entry({ url: connection.url, vaultId: connection.vaultId }, auth);
    const outcome = await this.edit(file, value, auth.kind === 'token' || auth.kind === 'static');
    return { ...describe(outcome, this.label), credential: auth.kind };
  }

  async unregister(): Promise<RegistrationResult> {
    const results: RegistrationResult[] = [];
    for (const file of [this.configPath, ...(this.spec.alsoReads?.(this.ctx) ?? [])]) results.push(describe(await this.edit(file, undefined, false), this.label, true));
    await this.removeTokenFiles();
    this.carriesToken = false;
    const failed = results.find((r) => !r.ok);
    return failed ?? results.find((r) => r.detail.includes('entry removed')) ?? results[0]!;
  }

  private edit(file: string, value: Record<string, unknown> | undefined, holdsCredential: boolean): Promise<ConfigEditOutcome> {
    return editConfigFile(file, { container: this.spec.container, listKey: this.spec.listKey, name: this.ctx.serverName, value }, { editor: editorFor(this.spec.format), holdsCredential });
  }

  /** The token file of this server in either runtime directory (XDG_RUNTIME_DIR may differ between sessions). */
  private async removeTokenFiles(): Promise<void> {
    if (!this.spec.forms.includes('tokenFile')) return;
    await removeBearerFiles(this.ctx, this.ctx.serverName);
  }
}

/** Remove `mcp-bearer-<server>` from both runtime directories; the paths removed. */
export async function removeBearerFiles(ctx: PathContext, serverName: string): Promise<string[]> {
  // A name read from someone's config file must not walk out of the directory.
  if (!SAFE_NAME.test(serverName)) return [];
  const runtime = await trustedRuntimeDir(ctx.env);
  const dirs = [oneClawHome(ctx.home).runFallback, ...(runtime ? [runtime] : [])];
  const removed: string[] = [];
  for (const dir of dirs) {
    const file = path.join(dir, bearerFileName(serverName));
    // The name itself, never what a link there points at.
    if (await fs.unlink(file).then(() => true, () => false)) removed.push(file);
  }
  return removed;
}
