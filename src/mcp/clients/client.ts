/** What the product knows about an AI client it registers 1Claw's MCP server with. */
import type { CredentialStyle } from '../../settings';
import type { Logger } from '../../util/log';
import type { ConfigFormat } from '../edit/types';
import type { HelperInstallContext } from '../helper/install';
import type { McpRegistrar } from '../registrar';
import type { ClientId } from './ids';

/** Everything a client's registration may depend on; the editor and the CLI build the same one. */
export interface ClientContext {
  /** The registering process's environment (trusted: the editor host or the start script). */
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  /** Config files the template moved (absolute, by client id: the Coder module's cursor/claude paths). */
  paths?: Readonly<Partial<Record<ClientId, string>>>;
  serverName: string;
  style: CredentialStyle;
  /** The `oneclaw` CLI bundle a helper runs. */
  cliSource: string;
  logger: Logger;
  /**
   * Whether an entry that carries a short-lived token is renewed on every refresh: true in the
   * editor (it holds the session), false in the CLI (nobody would renew it, so such a client is
   * skipped with the reason).
   */
  renewsTokens?: boolean;
  /** The `claude` binary; undefined: look on PATH; null: never use it. */
  claudeBinary?: string | null;
  /** Test seam: the Node a helper wrapper runs. */
  node?: HelperInstallContext['node'];
}

export type PathContext = Pick<ClientContext, 'env' | 'home' | 'paths'>;

/**
 * How an entry authenticates, best first (the README's table says which client gets which):
 * - `helper`: a command the client runs at each connection prints fresh headers (Claude Code);
 * - `editor`: the editor attaches a fresh token when it starts the server (VS Code provider API);
 * - `env`: a reference to ONECLAW_AGENT_API_KEY, which the client expands (the hosted server
 *   accepts `Bearer ocv_…` and resolves the agent's vault) — only where the key IS in the environment;
 * - `tokenFile`: a reference to a 0600 file holding the current JWT, renewed on every refresh;
 * - `token`: the current JWT in the client's file (made 0600), renewed on every refresh;
 * - `static`: the agent key itself (0600), only with the credential style `static`.
 */
export type CredentialForm = 'helper' | 'editor' | 'env' | 'tokenFile' | 'token' | 'static';

/** When a client counts as present: its binary on PATH, or one of its marker paths exists. */
export interface ClientPresence {
  binaries: readonly string[];
  markers(ctx: PathContext): string[];
}

export interface KnownClient {
  /** Stable id: `oneclaw register --client <id>`, the module's `clients` list, the settings' keys. */
  id: ClientId;
  label: string;
  kind: 'terminal' | 'editor';
  /** Registered through an editor API (VS Code's provider): no file, nothing for the CLI to do. */
  editorApi?: boolean;
  /** The user-scope config file our entry is written to (empty for an editor API). */
  configPath(ctx: PathContext): string;
  /** Every file our entry may be in — the config file and any other the client also reads. Revoke and status read them all. */
  files(ctx: PathContext): string[];
  format: ConfigFormat;
  /** Where its servers live: the container's key path (and, for a list, the field naming an item). */
  container: string | readonly string[];
  listKey?: string;
  presence: ClientPresence;
  /** The credential forms it supports, best first (`static` is always possible). */
  forms: readonly CredentialForm[];
  registrar(ctx: ClientContext): McpRegistrar;
}
