/**
 * Extension settings as plain data (read by the editor layer, validated here), and the endpoint
 * precedence: variables injected by the workspace template win over user settings.
 */
import { checkServiceUrl, normaliseBaseUrl } from './api/url';
import type { WorkspaceEnvironment } from './credentials/environment';
import { CLIENT_IDS, CLIENT_MODES, type ClientId, type ClientMode } from './mcp/clients/ids';

export type CredentialStyle = 'fresh' | 'static';

/** Per-client modes; a client not named is `auto` (registered where it is present). */
export type McpClientModes = Readonly<Partial<Record<ClientId, ClientMode>>>;

export interface BootstrapSettings {
  vaultName: string;
  agentName: string;
  policyPath: string;
  permissions: string[];
  tokenTtlSeconds: number;
}

export interface ExtensionSettings {
  apiBaseUrl: string;
  mcpUrl: string;
  dashboardUrl: string;
  mcpClients: McpClientModes;
  credentialStyle: CredentialStyle;
  serverName: string;
  refreshMarginSeconds: number;
  requestTimeoutSeconds: number;
  bootstrap: BootstrapSettings;
}

/**
 * Hosts: the official MCP server (0.63) and the current docs use api.1claw.co and
 * mcp.1claw.co/mcp; the .xyz hosts still answer the same (both domains route the same since
 * v0.53.3). We follow the official tools; either is a setting or a variable away.
 */
export const DEFAULT_SETTINGS: ExtensionSettings = {
  apiBaseUrl: 'https://api.1claw.co',
  mcpUrl: 'https://mcp.1claw.co/mcp',
  dashboardUrl: 'https://1claw.xyz',
  mcpClients: {},
  credentialStyle: 'fresh',
  serverName: '1claw',
  refreshMarginSeconds: 60,
  requestTimeoutSeconds: 15,
  bootstrap: { vaultName: 'coder-workspace', agentName: '', policyPath: '**', permissions: ['read'], tokenTtlSeconds: 3600 },
};

export interface Endpoints {
  apiBaseUrl: string;
  mcpUrl: string;
}

export type EndpointResolution = { ok: true; endpoints: Endpoints } | { ok: false; problem: string };

/**
 * The MCP server on the same 1Claw domain as this API URL (api.1claw.xyz → mcp.1claw.xyz/mcp),
 * or undefined for any other host (a proxy, a self-hosted API, the emulator).
 */
export function pairedMcpUrl(apiBaseUrl: string): string | undefined {
  const check = checkServiceUrl(apiBaseUrl);
  if (!check.ok || check.url.protocol !== 'https:') return undefined;
  const domain = /^api\.(1claw\.(?:co|xyz))$/i.exec(check.url.hostname)?.[1];
  return domain ? `https://mcp.${domain.toLowerCase()}/mcp` : undefined;
}

export function resolveEndpoints(environment: WorkspaceEnvironment, settings: ExtensionSettings): EndpointResolution {
  const api = pick(environment.baseUrl, 'ONECLAW_BASE_URL', settings.apiBaseUrl, 'the setting "oneclaw.apiBaseUrl"');
  if (!api.ok) return api;
  // An MCP URL nobody chose follows the API onto the same 1Claw domain.
  const mcpSetting = settings.mcpUrl === DEFAULT_SETTINGS.mcpUrl ? (pairedMcpUrl(api.value) ?? settings.mcpUrl) : settings.mcpUrl;
  const mcp = pick(environment.mcpUrl, 'ONECLAW_MCP_URL', mcpSetting, 'the setting "oneclaw.mcpUrl"');
  if (!mcp.ok) return mcp;
  return { ok: true, endpoints: { apiBaseUrl: api.value, mcpUrl: mcp.value } };
}

function pick(fromEnv: string | undefined, envName: string, fromSettings: string, settingLabel: string): { ok: true; value: string } | { ok: false; problem: string } {
  const raw = fromEnv ?? fromSettings;
  const label = fromEnv !== undefined ? envName : settingLabel;
  const check = checkServiceUrl(raw);
  if (!check.ok) return { ok: false, problem: `${label[0]!.toUpperCase()}${label.slice(1)} ${check.problem}.` };
  return { ok: true, value: normaliseBaseUrl(check.url) };
}

/** Clamp and sanitise values a user (or a hostile settings file) typed, so nothing downstream sees nonsense. */
export type RawSettings = { [K in Exclude<keyof ExtensionSettings, 'bootstrap'>]?: unknown } & { bootstrap?: { [K in keyof BootstrapSettings]?: unknown } };

export function sanitiseSettings(raw: RawSettings): ExtensionSettings {
  const d = DEFAULT_SETTINGS;
  const text = (value: unknown, fallback: string) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback);
  const number = (value: unknown, fallback: number, min: number, max: number) =>
    typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
  const rawPermissions = raw.bootstrap?.permissions;
  const permissions = Array.isArray(rawPermissions) ? rawPermissions.filter((p): p is string => p === 'read' || p === 'write') : d.bootstrap.permissions;
  const serverName = text(raw.serverName, d.serverName);
  return {
    apiBaseUrl: text(raw.apiBaseUrl, d.apiBaseUrl),
    mcpUrl: text(raw.mcpUrl, d.mcpUrl),
    dashboardUrl: text(raw.dashboardUrl, d.dashboardUrl),
    mcpClients: clientModes(raw.mcpClients),
    credentialStyle: raw.credentialStyle === 'static' ? 'static' : 'fresh',
    serverName: /^[A-Za-z0-9_-]{1,64}$/.test(serverName) ? serverName : d.serverName,
    refreshMarginSeconds: number(raw.refreshMarginSeconds, d.refreshMarginSeconds, 5, 3600),
    requestTimeoutSeconds: number(raw.requestTimeoutSeconds, d.requestTimeoutSeconds, 2, 120),
    bootstrap: {
      vaultName: text(raw.bootstrap?.vaultName, d.bootstrap.vaultName),
      agentName: typeof raw.bootstrap?.agentName === 'string' ? raw.bootstrap.agentName.trim().slice(0, 64) : d.bootstrap.agentName,
      policyPath: text(raw.bootstrap?.policyPath, d.bootstrap.policyPath),
      permissions: permissions.length ? [...new Set(permissions)] : d.bootstrap.permissions,
      tokenTtlSeconds: number(raw.bootstrap?.tokenTtlSeconds, d.bootstrap.tokenTtlSeconds, 60, 86_400),
    },
  };
}

/**
 * `oneclaw.mcp.clients`: an object of per-client modes. The list of earlier versions still works:
 * it named the clients to register (`editor` — this editor's own chat —, `claudeCode`,
 * `cursorFile`), so those it leaves out stay off, `cursorFile` forces `~/.cursor/mcp.json`, and the
 * clients it could not name are `auto`.
 */
export function clientModes(raw: unknown): McpClientModes {
  if (Array.isArray(raw)) {
    const listed = new Set(raw.filter((v): v is string => typeof v === 'string'));
    const modes: Partial<Record<ClientId, ClientMode>> = {};
    if (!listed.has('editor')) modes.vscode = 'never';
    if (!listed.has('editor')) modes.cursor = 'never';
    if (!listed.has('claudeCode')) modes['claude-code'] = 'never';
    if (listed.has('cursorFile')) modes.cursor = 'always';
    return modes;
  }
  if (typeof raw !== 'object' || raw === null) return {};
  const modes: Partial<Record<ClientId, ClientMode>> = {};
  for (const id of CLIENT_IDS) {
    const value: unknown = Object.prototype.hasOwnProperty.call(raw, id) ? (raw as Record<string, unknown>)[id] : undefined;
    if ((CLIENT_MODES as readonly unknown[]).includes(value)) modes[id] = value as ClientMode;
    else if (value === true) modes[id] = 'always';
    else if (value === false) modes[id] = 'never';
  }
  return modes;
}
