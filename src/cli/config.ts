/**
 * What the CLI runs with: the non-secret JSON the Coder module renders (`--config`, the contract
 * documented in workspaceStart.ts), overridden by flags, else taken from the helper registration
 * a trusted process wrote earlier, else the defaults. Endpoints never come from the environment.
 */
import * as z from 'zod/mini';
import { checkServiceUrl, normaliseBaseUrl } from '../api/url';
import type { OneClawHome } from '../credentials/home';
import { expandClientPath, readRecordedPaths, type ClientPaths } from '../mcp/clients/customPaths';
import { isClientId, type ClientId } from '../mcp/clients/ids';
import { readRegistration } from '../mcp/helper/registration';
import { DEFAULT_SETTINGS, pairedMcpUrl, type CredentialStyle } from '../settings';
import { readTextFile } from '../util/files';
import { single, UsageError, type ParsedArgs } from './args';

export interface CliConfig {
  apiBaseUrl: string;
  mcpUrl: string;
  serverName: string;
  /** Client ids registered whether present or not; `all`: every other client present here. */
  clients: string[];
  /** Client ids never registered, even under `all` (the module's install_*_config = false). */
  skipClients: string[];
  /** Config files the template moved (absolute), by client: the config's `client_paths`, else the recorded ones. */
  clientPaths: ClientPaths;
  /** Whether clientPaths came from the config (then they are recorded for cleanup). */
  clientPathsFromConfig: boolean;
  credentialStyle: CredentialStyle;
  vaultName: string;
  vaultId?: string;
  agentName: string;
  policyPath: string;
  permissions: string[];
  /** Lifetime of the agent's tokens; undefined: 1Claw's default (the module's `token_ttl_hours = 0`). */
  tokenTtlSeconds: number | undefined;
  /** `coder-workspace:<id>` in Coder; absent: this machine's instance id. */
  ownerMarker?: string;
  deviceSignIn: { enabled: boolean; waitSeconds: number };
}

/** The longest agent token lifetime the CLI (and the module's token_ttl_hours) accepts: 30 days. */
export const MAX_TOKEN_TTL_SECONDS = 30 * 86_400;

const url = () => z.string().check(z.refine((value) => checkServiceUrl(value).ok, { message: 'must be an https URL (http only to localhost), without user name, password, query or fragment' }));

/** The module's config file. Unknown keys are ignored, so the module may add some before the CLI knows them. */
export const ConfigFileSchema = z.object({
  api_base_url: z.optional(url()),
  mcp_url: z.optional(url()),
  server_name: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/))),
  clients: z.optional(z.array(z.string().check(z.regex(/^[a-z0-9-]{1,32}$/)))),
  skip_clients: z.optional(z.array(z.string().check(z.regex(/^[a-z0-9-]{1,32}$/)))),
  // By client id: `$HOME/…`, `~/…` or an absolute path; '' means the client's own default.
  client_paths: z.optional(z.record(z.string(), z.string().check(z.maxLength(1024)))),
  credential_style: z.optional(z.enum(['fresh', 'static'])),
  vault_name: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  vault_id: z.optional(z.nullable(z.string().check(z.regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/)))),
  agent_name: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  policy_path: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  permissions: z.optional(z.array(z.enum(['read', 'write'])).check(z.minLength(1))),
  // The API sets no bound (openapi: integer, nullable); the module's token_ttl_hours allows up to
  // 30 days, so that is the CLI's bound too. null: 1Claw's default.
  token_ttl_seconds: z.optional(z.nullable(z.number().check(z.int(), z.minimum(60), z.maximum(MAX_TOKEN_TTL_SECONDS)))),
  owner_marker: z.optional(z.nullable(z.string().check(z.regex(/^[A-Za-z0-9:._-]{1,128}$/)))),
  device_sign_in: z.optional(z.object({ enabled: z.optional(z.boolean()), wait_seconds: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(3600))) })),
});

export const CONFIG_FLAGS = ['config', 'api-base-url', 'mcp-url', 'server-name', 'style'] as const;

export async function loadConfig(args: ParsedArgs, layout: OneClawHome, options: { requireFile?: boolean } = {}): Promise<CliConfig> {
  const file = single(args, 'config');
  if (options.requireFile && !file) throw new UsageError('--config <file> is required');
  const fromFile = file ? await readConfigFile(file) : {};
  const serverName = single(args, 'server-name') ?? fromFile.server_name ?? DEFAULT_SETTINGS.serverName;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(serverName)) throw new UsageError('--server-name may hold letters, digits, "_" and "-" only (at most 64)');
  // Endpoints: flags, the config file, the registration a trusted process wrote, the defaults.
  const registered = await readRegistration(layout.helperRegistration(serverName)).catch(() => undefined);
  const style = single(args, 'style') ?? fromFile.credential_style ?? 'fresh';
  if (style !== 'fresh' && style !== 'static') throw new UsageError('--style is "fresh" or "static"');
  const clientPaths = fromFile.client_paths ? expandPaths(fromFile.client_paths, layout.home) : (await readRecordedPaths(layout)).current;
  const apiBaseUrl = checkedUrl('--api-base-url', single(args, 'api-base-url') ?? fromFile.api_base_url ?? registered?.api_base_url ?? DEFAULT_SETTINGS.apiBaseUrl);
  return {
    apiBaseUrl,
    // An MCP URL nobody chose follows the API onto the same 1Claw domain (.co or .xyz).
    mcpUrl: checkedUrl('--mcp-url', single(args, 'mcp-url') ?? fromFile.mcp_url ?? registered?.mcp_url ?? pairedMcpUrl(apiBaseUrl) ?? DEFAULT_SETTINGS.mcpUrl),
    serverName,
    clients: fromFile.clients ?? ['all'],
    skipClients: fromFile.skip_clients ?? [],
    clientPaths,
    clientPathsFromConfig: fromFile.client_paths !== undefined,
    credentialStyle: style,
    vaultName: fromFile.vault_name ?? DEFAULT_SETTINGS.bootstrap.vaultName,
    vaultId: fromFile.vault_id ?? undefined,
    agentName: fromFile.agent_name ?? '',
    policyPath: fromFile.policy_path ?? DEFAULT_SETTINGS.bootstrap.policyPath,
    permissions: fromFile.permissions ?? DEFAULT_SETTINGS.bootstrap.permissions,
    tokenTtlSeconds: fromFile.token_ttl_seconds === null ? undefined : (fromFile.token_ttl_seconds ?? DEFAULT_SETTINGS.bootstrap.tokenTtlSeconds),
    ownerMarker: fromFile.owner_marker ?? undefined,
    deviceSignIn: { enabled: fromFile.device_sign_in?.enabled ?? false, waitSeconds: fromFile.device_sign_in?.wait_seconds ?? 600 },
  };
}

async function readConfigFile(file: string): Promise<z.infer<typeof ConfigFileSchema>> {
  const read = await readTextFile(file, 256 * 1024).catch((err: unknown) => {
    throw new UsageError(`cannot read the config ${file}: ${err instanceof Error ? err.message : String(err)}`);
  });
  if (!read.exists) throw new UsageError(`the config ${file} does not exist`);
  let json: unknown;
  try {
    json = JSON.parse(read.text);
  } catch {
    throw new UsageError(`the config ${file} is not valid JSON`);
  }
  const parsed = ConfigFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`the config ${file} has a bad "${issue?.path.join('.') ?? '?'}": ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function expandPaths(raw: Record<string, string>, home: string): ClientPaths {
  const paths: Partial<Record<ClientId, string>> = {};
  for (const [id, value] of Object.entries(raw)) {
    if (!isClientId(id)) continue; // a client this CLI does not know yet
    try {
      const expanded = expandClientPath(value, home);
      if (expanded) paths[id] = expanded;
    } catch (err) {
      throw new UsageError(`the config's client_paths.${id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return paths;
}

function checkedUrl(label: string, value: string): string {
  const check = checkServiceUrl(value);
  if (!check.ok) throw new UsageError(`${label} ${check.problem}`);
  return normaliseBaseUrl(check.url);
}
