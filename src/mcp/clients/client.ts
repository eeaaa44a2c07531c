/** What the product knows about an AI client whose MCP configuration is a file it can edit. */
import type { CredentialStyle } from '../../settings';
import type { Logger } from '../../util/log';
import type { HelperInstallContext } from '../helper/install';
import type { McpRegistrar } from '../registrar';

/** Everything a client's registration may depend on; the editor and the CLI build the same one. */
export interface ClientContext {
  /** The registering process's environment (trusted: the editor host or the start script). */
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  serverName: string;
  style: CredentialStyle;
  /** The `oneclaw` CLI bundle a helper runs. */
  cliSource: string;
  logger: Logger;
  /** The `claude` binary; undefined: look on PATH; null: never use it. */
  claudeBinary?: string | null;
  /** Test seam: the Node a helper wrapper runs. */
  node?: HelperInstallContext['node'];
}

export interface KnownClient {
  /** Stable id: `oneclaw register --client <id>`, the module's `clients` list. */
  id: string;
  label: string;
  /** The user-scope config file the client reads. */
  configPath(ctx: Pick<ClientContext, 'env' | 'home'>): string;
  /** The top-level key holding its servers. */
  container: string;
  registrar(ctx: ClientContext): McpRegistrar;
}
