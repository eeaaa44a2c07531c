/** What every `oneclaw` subcommand shares: its I/O, the API client, the agent in use, the clients' context. */
import { OneClawClient } from '../api/client';
import type { AgentRecord } from '../credentials/agentRecord';
import { ENV, readWorkspaceEnvironment } from '../credentials/environment';
import { instanceId, oneClawHome, tightenIfPresent, type OneClawHome } from '../credentials/home';
import { resolveCredentials, type Resolution } from '../credentials/resolution';
import { RevocationMemory } from '../credentials/revocations';
import type { CredentialSource } from '../credentials/state';
import type { ClientContext } from '../mcp/clients/client';
import type { NodeChoice } from '../mcp/helper/install';
import type { McpConnection } from '../mcp/registrar';
import type { CliConfig } from './config';
import type { Output } from './output';

export const CLI_VERSION = '0.1.0';

export interface CliIo {
  out: Output;
  /** The process environment: trusted in the module's start script and the user's shell, never by `headers`. */
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  /** This CLI's own bundle (copied for the headers helper). */
  cliSource: string;
  readStdin: () => Promise<string>;
  /** Test seams. */
  claudeBinary?: string | null;
  node?: NodeChoice;
  now?: () => number;
}

export function layoutOf(io: CliIo): OneClawHome {
  return oneClawHome(io.home);
}

/** A client that retries within a time budget (outside the editor nobody retries later for us). */
export function cliClient(config: Pick<CliConfig, 'apiBaseUrl'>, io: CliIo, budgetMs = 120_000): OneClawClient {
  return new OneClawClient({ baseUrl: config.apiBaseUrl, timeoutMs: 15_000, retry: { budgetMs, baseDelayMs: 500, maxDelayMs: 10_000 }, logger: io.out.logger, userAgent: `oneclaw-cli/${CLI_VERSION}` });
}

/** The variables the CLI takes from its environment: the agent key and the one-time session. Never an endpoint. */
function trustedVariables(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return { [ENV.agentKey]: env[ENV.agentKey], [ENV.vaultId]: env[ENV.vaultId], [ENV.agentId]: env[ENV.agentId], [ENV.bootstrapSession]: env[ENV.bootstrapSession] };
}

export async function resolveForCli(io: CliIo): Promise<Resolution> {
  const layout = layoutOf(io);
  await tightenIfPresent(layout.dir, io.out.logger);
  return resolveCredentials({ environment: readWorkspaceEnvironment(trustedVariables(io.env)), layout, revocations: revocations(io), logger: io.out.logger });
}

export function revocations(io: CliIo): RevocationMemory {
  return new RevocationMemory(layoutOf(io).revokedFile, io.now);
}

/** The owner marker of agents enrolled here: the config's (the template's), else the recorded one; never the environment's. */
export async function ownerId(config: Pick<CliConfig, 'ownerMarker'>, io: CliIo): Promise<string> {
  return config.ownerMarker ?? instanceId(layoutOf(io), io.out.logger);
}

export function clientContext(config: CliConfig, io: CliIo): ClientContext {
  // Nothing renews a token outside the editor: clients that could only carry one are skipped.
  return { env: io.env, home: io.home, paths: config.clientPaths, serverName: config.serverName, style: config.credentialStyle, cliSource: io.cliSource, logger: io.out.logger, renewsTokens: false, claudeBinary: io.claudeBinary, node: io.node };
}

export function connectionFor(config: CliConfig, io: CliIo, agent: AgentRecord & { vaultId: string }, source: CredentialSource): McpConnection {
  const fromEnv = source === 'environment';
  return { url: config.mcpUrl, apiBaseUrl: config.apiBaseUrl, vaultId: agent.vaultId, agentKey: agent.agentKey, agentKeyFromEnv: fromEnv, keyFile: fromEnv ? undefined : layoutOf(io).agentFile };
}
