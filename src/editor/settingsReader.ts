/** Reads the `oneclaw.*` settings into the plain, sanitised shape the core uses. */
import * as vscode from 'vscode';
import { sanitiseSettings, type ExtensionSettings } from '../settings';

export function readSettings(): ExtensionSettings {
  const c = vscode.workspace.getConfiguration('oneclaw');
  return sanitiseSettings({
    apiBaseUrl: c.get('apiBaseUrl'),
    mcpUrl: c.get('mcpUrl'),
    dashboardUrl: c.get('dashboardUrl'),
    mcpClients: c.get('mcp.clients'),
    credentialStyle: c.get('mcp.credentialStyle'),
    serverName: c.get('mcp.serverName'),
    refreshMarginSeconds: c.get('token.refreshMarginSeconds'),
    requestTimeoutSeconds: c.get('requestTimeoutSeconds'),
    bootstrap: {
      vaultName: c.get('bootstrap.vaultName'),
      agentName: c.get('bootstrap.agentName'),
      policyPath: c.get('bootstrap.policyPath'),
      permissions: c.get('bootstrap.permissions'),
      tokenTtlSeconds: c.get('bootstrap.tokenTtlSeconds'),
    },
  });
}

/** Settings whose change means reconnecting, and those that only touch MCP registrations. */
export const RECONNECT_SETTINGS = ['oneclaw.apiBaseUrl', 'oneclaw.mcpUrl', 'oneclaw.token.refreshMarginSeconds', 'oneclaw.requestTimeoutSeconds'];
export const MCP_SETTINGS = ['oneclaw.mcp'];
