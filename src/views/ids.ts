/**
 * Every identifier package.json and the code share: command ids, view ids, `when`-clause context
 * keys and the MCP provider id. Plain data (no `vscode`), so the presentation models, the editor
 * layer and the tests all name them from here; test/unit/manifest.test.ts checks them against
 * package.json in both directions.
 */

export const COMMANDS = {
  refresh: 'oneclaw.refresh',
  bootstrap: 'oneclaw.bootstrap',
  rebootstrap: 'oneclaw.rebootstrap',
  revoke: 'oneclaw.revoke',
  disconnectMcp: 'oneclaw.disconnectMcp',
  registerMcp: 'oneclaw.registerMcp',
  writeCursorMcpFile: 'oneclaw.writeCursorMcpFile',
  showLog: 'oneclaw.showLog',
  copyMcpConfig: 'oneclaw.copyMcpConfig',
  openDashboard: 'oneclaw.openDashboard',
  showTokenStatus: 'oneclaw.showTokenStatus',
  filter: 'oneclaw.filter',
  clearFilter: 'oneclaw.clearFilter',
  copyPath: 'oneclaw.copyPath',
  copyMcpReference: 'oneclaw.copyMcpReference',
  showSecretMetadata: 'oneclaw.showSecretMetadata',
  learnCoderModule: 'oneclaw.learnCoderModule',
  signIn: 'oneclaw.signIn',
  useAgentKey: 'oneclaw.useAgentKey',
  requestAccess: 'oneclaw.requestAccess',
  refreshAccess: 'oneclaw.refreshAccess',
  refreshAudit: 'oneclaw.refreshAudit',
  auditLoadMore: 'oneclaw.auditLoadMore',
  registerClient: 'oneclaw.mcpClients.register',
  reregisterClient: 'oneclaw.mcpClients.reregister',
  removeClient: 'oneclaw.mcpClients.remove',
  refreshClients: 'oneclaw.mcpClients.refresh',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** What a command runs with: tree commands get the clicked node, palette commands nothing. */
export type CommandHandler = (...args: unknown[]) => unknown;

/** Part of the extension's command table; src/editor/services.ts joins the parts and the compiler checks that every id has its handler. */
export type CommandTable = Partial<Record<CommandId, CommandHandler>>;

export const VIEWS = {
  vaults: 'oneclaw.vaults',
  access: 'oneclaw.access',
  audit: 'oneclaw.audit',
  mcpClients: 'oneclaw.mcpClients',
} as const;

/** The `when`-clause keys the extension sets (src/editor/contextKeys.ts) and the manifest reads. */
export const CONTEXT = {
  state: 'oneclaw.state',
  configured: 'oneclaw.configured',
  connected: 'oneclaw.connected',
  filtered: 'oneclaw.filtered',
  mcpDisconnected: 'oneclaw.mcpDisconnected',
  /** Why access ended (deleted | kept | gone | earlier | refused | pending), for a truthful welcome view; '' otherwise. */
  revocation: 'oneclaw.revocation',
} as const;

export type ContextKey = (typeof CONTEXT)[keyof typeof CONTEXT];

/** The id of the MCP server definition provider (`contributes.mcpServerDefinitionProviders`). */
export const MCP_PROVIDER_ID = 'oneclaw.mcp';
