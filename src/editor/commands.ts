/**
 * Command-palette and tree actions. Each handler is small and says what happened in a sentence;
 * errors say what to do next. No command can show, copy or log a secret value.
 */
import * as vscode from 'vscode';
import { checkServiceUrl } from '../api/url';
import type { BootstrapResult } from '../credentials/bootstrap';
import { keyFingerprint } from '../credentials/agentRecord';
import { keyProblem, type KeyKind } from '../credentials/keys';
import { sourceLabel } from '../credentials/session';
import { sessionOf } from '../credentials/state';
import type { McpCoordinator } from '../mcp/coordinator';
import { shareableConfig } from '../mcp/entries';
import { readRegistration } from '../mcp/helper/registration';
import type { WorkspaceAccess } from '../credentials/workspaceAccess';
import type { ExtensionSettings } from '../settings';
import { describeError } from '../util/log';
import { redact } from '../util/redact';
import { COMMANDS, VIEWS, type CommandId, type CommandTable } from '../views/ids';
import { countdown } from '../views/statusPresentation';
import { billingUrl, presentQuota } from '../views/quotaPresentation';
import { describeSecret } from '../views/treeModel';
import type { TreeNode, VaultTreeProvider } from './vaultTree';

export interface CommandDeps {
  access: WorkspaceAccess;
  coordinator: McpCoordinator;
  tree: VaultTreeProvider;
  log: vscode.LogOutputChannel;
  settings: () => ExtensionSettings;
  repositoryUrl: string;
  onFilterChanged: () => void;
  onMcpDisconnectedChanged: () => void;
}

/** The palette's and the Vaults view's commands. */
export function commandHandlers(deps: CommandDeps) {
  const { coordinator, tree } = deps;
  return {
    [COMMANDS.refresh]: () => runRefresh(deps),
    [COMMANDS.bootstrap]: () => runBootstrap(deps, false),
    [COMMANDS.rebootstrap]: () => runBootstrap(deps, true),
    [COMMANDS.revoke]: () => runRevoke(deps),
    [COMMANDS.disconnectMcp]: async () => {
      await coordinator.disconnect();
      deps.onMcpDisconnectedChanged();
      void vscode.window.showInformationMessage('1Claw removed its MCP server entry from every client it had registered. Run "1Claw: Re-register MCP Clients" to add it back.');
    },
    [COMMANDS.registerMcp]: async () => {
      await coordinator.registerAll();
      deps.onMcpDisconnectedChanged();
      const labels = coordinator.registeredLabels;
      void vscode.window.showInformationMessage(labels.length ? `1Claw's MCP server is registered with: ${labels.join(', ')}.` : 'No MCP client could be registered; see "1Claw: Show Log".');
    },
    [COMMANDS.writeCursorMcpFile]: async () => {
      const config = vscode.workspace.getConfiguration('oneclaw');
      await config.update('mcp.clients', { ...deps.settings().mcpClients, cursor: 'always' }, vscode.ConfigurationTarget.Global);
      await coordinator.registerAll();
      void vscode.window.showInformationMessage('1Claw wrote its entry to ~/.cursor/mcp.json for terminal agents, and keeps it current.');
    },
    [COMMANDS.showLog]: () => deps.log.show(),
    [COMMANDS.copyMcpConfig]: () => copyMcpConfig(deps),
    [COMMANDS.openDashboard]: () => openHttps(deps.settings().dashboardUrl),
    [COMMANDS.showTokenStatus]: () => showTokenStatus(deps),
    [COMMANDS.filter]: async () => {
      const text = await vscode.window.showInputBox({
        title: 'Filter 1Claw secret paths',
        prompt: 'Show only paths containing this text. Include a "/" to match from the start of the path (e.g. "db/prod/").',
        value: tree.filter,
      });
      if (text === undefined) return;
      tree.setFilter(text);
      deps.onFilterChanged();
    },
    [COMMANDS.clearFilter]: () => {
      tree.setFilter('');
      deps.onFilterChanged();
    },
    [COMMANDS.copyPath]: async (node) => {
      const path = pathOf(node);
      if (path === undefined) return;
      await vscode.env.clipboard.writeText(path);
      vscode.window.setStatusBarMessage(`$(copy) Copied ${path}`, 3000);
    },
    [COMMANDS.copyMcpReference]: async (node) => {
      const secret = secretOf(node);
      if (!secret) return;
      const name = deps.settings().serverName;
      const reference = `Use the 1Claw MCP server ("${name}") to fetch the secret \`${secret.path}\` from the vault "${secret.vaultName}" at the moment you need it. Do not print, log or commit its value.`;
      await vscode.env.clipboard.writeText(reference);
      vscode.window.setStatusBarMessage('$(sparkle) Copied a reference for your AI agent', 3000);
    },
    [COMMANDS.showSecretMetadata]: async (node) => {
      const secret = secretOf(node);
      if (!secret) return;
      const lines = [`Vault: ${secret.vaultName}`, ...describeSecret(secret.secret, Date.now())];
      await vscode.window.showQuickPick(
        lines.map((label) => ({ label })),
        { title: `1Claw secret ${secret.path} — metadata only; the value is never shown here`, placeHolder: 'Read-only metadata. Press Escape to close.' },
      );
    },
    [COMMANDS.learnCoderModule]: () => openHttps(`${deps.repositoryUrl}/tree/main/terraform#readme`),
  } satisfies CommandTable;
}

async function runRefresh(deps: CommandDeps): Promise<void> {
  try {
    await vscode.window.withProgress({ location: { viewId: VIEWS.vaults }, title: 'Refreshing 1Claw' }, () => deps.access.refresh());
  } catch (err) {
    void vscode.window.showWarningMessage(redact(`1Claw could not refresh: ${describeError(err)}. It keeps retrying; see "1Claw: Show Log" for details.`));
  }
  deps.tree.refresh();
}

/** Before a new agent replaces a working one, the user confirms. False: they declined. */
export async function confirmNewAgent(access: WorkspaceAccess, replace: boolean): Promise<boolean> {
  const session = access.session;
  if (!replace && (session.state.kind === 'connected' || session.state.kind === 'refreshing')) {
    const choice = await vscode.window.showInformationMessage('This workspace already has a working 1Claw agent. Replace it with a new one?', 'Re-bootstrap', 'Cancel');
    if (choice !== 'Re-bootstrap') return false;
    replace = true;
  }
  if (replace && session.agent) {
    const confirm = await vscode.window.showWarningMessage(
      'Re-bootstrap creates a new agent for this workspace and deletes the current one. MCP clients are re-registered with the new agent.',
      { modal: true },
      'Re-bootstrap',
    );
    if (confirm !== 'Re-bootstrap') return false;
  }
  return true;
}

async function runBootstrap(deps: CommandDeps, replace: boolean): Promise<void> {
  const { access } = deps;
  const session = access.session;
  if (!(await confirmNewAgent(access, replace))) return;
  const humanKey = await askHumanKey('Bootstrap needs a human API key (1ck_…) once, to create this workspace\'s agent. It is not stored after the bootstrap.');
  if (!humanKey) return;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: '1Claw: creating the workspace agent' },
      (progress) => {
        const sub = session.onDidChangeState((s) => {
          if (s.kind === 'bootstrapping') progress.report({ message: s.step });
        });
        return access.bootstrap(humanKey).finally(() => sub.dispose());
      },
    );
    void vscode.window.showInformationMessage(bootstrapSummary(result, deps.settings()));
  } catch (err) {
    void vscode.window.showErrorMessage(redact(`${describeError(err)} Nothing was left behind; fix the cause and run "1Claw: Bootstrap Workspace Agent" again.`), 'Show Log').then((c) => c && deps.log.show());
  }
}

export function bootstrapSummary(result: BootstrapResult, settings: ExtensionSettings, credential: 'key' | 'device' = 'key'): string {
  const rights = `${settings.bootstrap.permissions.join(' and ')} access to "${settings.bootstrap.policyPath}"`;
  const count = result.replacedAgentIds.length;
  const replaced = count === 0 ? '' : count === 1 ? ' The workspace\'s previous agent was deleted.' : ` The workspace's ${count} previous agents were deleted.`;
  const warnings = result.warnings.length ? ` ${result.warnings.join(' ')}` : '';
  return `1Claw is set up: agent "${result.agent.agentName}" has ${rights} in vault "${result.agent.vaultName}". ${credential === 'key' ? 'Your human key was used once and forgotten.' : 'Your sign-in session was used once and revoked.'}${replaced}${warnings}`;
}

async function runRevoke(deps: CommandDeps): Promise<void> {
  const { access, coordinator } = deps;
  const deleteAgent = 'Revoke and Delete Agent…';
  const tokenOnly = 'Revoke Without Deleting Agent';
  // The first button is the dialog's default (Enter): the least destructive choice goes first.
  const choice = await vscode.window.showWarningMessage(
    'Revoke this workspace\'s 1Claw access? The current token is revoked, MCP entries are removed from every client 1Claw knows, and the stored agent key is wiped. Deleting the agent too needs a human API key (1ck_…).',
    { modal: true },
    tokenOnly,
    deleteAgent,
  );
  if (choice !== deleteAgent && choice !== tokenOnly) return;
  let humanKey: string | undefined;
  if (choice === deleteAgent) {
    humanKey = await askHumanKey('Deleting the agent needs a human API key (1ck_…). It is used once and not stored.');
    if (!humanKey) return;
  }
  const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: '1Claw: revoking access' }, () => access.revoke(humanKey));
  await coordinator.settled();
  if (outcome.warning) void vscode.window.showWarningMessage(redact(outcome.message));
  else void vscode.window.showInformationMessage(redact(outcome.message));
}

/**
 * A password box for a key. Built by hand rather than with showInputBox so the typed key can be
 * wiped from the box before it closes: the workbench keeps a closed box's last value in its page
 * otherwise. A key of the wrong kind is refused in the box, with the reason, never echoed.
 */
export function askKey(kind: KeyKind, prompt: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = kind === 'human' ? '1Claw human API key' : '1Claw agent key';
    box.prompt = prompt;
    box.placeholder = kind === 'human' ? '1ck_…' : 'ocv_…';
    box.password = true;
    box.ignoreFocusOut = true;
    let settled = false;
    const finish = (value: string | undefined) => {
      if (settled) return;
      settled = true;
      box.value = '';
      box.hide();
      box.dispose();
      resolve(value);
    };
    box.onDidChangeValue((text) => {
      const problem = text === '' ? undefined : keyProblem(text.trim(), kind);
      box.validationMessage = problem ? `This key ${problem}.` : undefined;
    });
    box.onDidAccept(() => {
      const value = box.value.trim();
      if (keyProblem(value, kind)) return;
      finish(value);
    });
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}

function askHumanKey(prompt: string): Promise<string | undefined> {
  return askKey('human', prompt);
}

async function showTokenStatus(deps: CommandDeps): Promise<void> {
  const { coordinator } = deps;
  const live = deps.access.session;
  const state = live.state;
  const session = sessionOf(state);
  const lines: string[] = [`State: ${state.kind}`];
  if (live.agent) lines.push(`Credentials from: ${sourceLabel(live.agent.source)}`);
  if (live.endpoints) lines.push(`API: ${live.endpoints.apiBaseUrl}`, `MCP: ${live.endpoints.mcpUrl}`);
  if (session) {
    const named = (name: string | undefined, id: string | undefined) => [name, id ? `ID ${id}` : undefined].filter(Boolean).join(' · ');
    lines.push(`Vault: ${named(session.vaultName, session.vaultId)}`, `Agent: ${named(session.agentName, session.agentId)}`, `Token expires in ${countdown(session.expiresAt - Date.now())}`);
  }
  const quota = deps.access.quota.notice;
  if (quota) lines.push(`Quota: ${presentQuota(quota, deps.settings().dashboardUrl).label}`);
  if (state.kind === 'offline') lines.push(`Unreachable: ${state.error}`, `Next attempt in ${countdown(state.retryAt - Date.now())}`);
  if (state.kind === 'error') lines.push(`Problem: ${state.message}`, `Next step: ${state.nextStep}`);
  if (state.kind === 'revoked') lines.push(state.message);
  for (const status of coordinator.statuses) lines.push(`${status.result.ok ? '✓' : '✗'} ${status.result.detail}`);

  const actions: Array<vscode.QuickPickItem & { command?: CommandId; url?: string }> = [
    { label: 'Actions', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(refresh) Refresh now', command: COMMANDS.refresh },
    { label: '$(output) Show log', command: COMMANDS.showLog },
  ];
  if (state.kind === 'revoked' || state.kind === 'error' || state.kind === 'notConfigured') actions.push({ label: '$(rocket) Bootstrap a workspace agent', command: COMMANDS.rebootstrap });
  if (quota) actions.push({ label: '$(credit-card) Open billing in the 1Claw dashboard', url: billingUrl(deps.settings().dashboardUrl) });
  const items: Array<vscode.QuickPickItem & { command?: CommandId; url?: string }> = [...lines.map((label) => ({ label: redact(label) })), ...actions];
  const picked = await vscode.window.showQuickPick(items, { title: '1Claw token status', placeHolder: 'Status (read-only) and actions' });
  if (picked?.command) await vscode.commands.executeCommand(picked.command);
  else if (picked?.url) await openHttps(picked.url);
}

/**
 * A configuration for the key actually in use: the template's variable when the key comes from
 * it; otherwise (a bootstrap replaced it) the headers helper, which holds no key, or a
 * placeholder naming the file the key is in. Never a credential.
 */
async function copyMcpConfig(deps: CommandDeps): Promise<void> {
  const session = deps.access.session;
  const endpoints = session.endpoints;
  const vaultId = session.vaultId;
  if (!endpoints || !vaultId) return void vscode.window.showWarningMessage('1Claw is not connected yet, so there is no vault to describe.');
  const serverName = deps.settings().serverName;
  const target = { url: endpoints.mcpUrl, vaultId };
  if (session.agent?.source === 'environment') {
    await vscode.env.clipboard.writeText(shareableConfig(target, serverName));
    return void vscode.window.showInformationMessage('Copied the MCP configuration. It contains no credential: it reads the key from ONECLAW_AGENT_API_KEY, where the workspace template puts it.');
  }
  await deps.coordinator.settled();
  const keyFile = deps.access.layout.agentFile;
  const helper = await helperFor(deps, serverName);
  if (helper) {
    await vscode.env.clipboard.writeText(shareableConfig(target, serverName, { kind: 'helper', helperPath: helper }));
    return void vscode.window.showInformationMessage(`Copied the MCP configuration (Claude Code format). It contains no credential: its headers helper hands out fresh tokens for the agent key in ${keyFile} (mode 0600), the key this workspace's bootstrap created.`);
  }
  await vscode.env.clipboard.writeText(shareableConfig(target, serverName, { kind: 'placeholder', text: '<agent key from ~/.1claw/agent.json>' }));
  void vscode.window.showInformationMessage(`Copied the MCP configuration. It contains no credential: replace the placeholder with the agent_api_key in ${keyFile} (mode 0600), the key this workspace's bootstrap created.`);
}

/** The headers helper registered for the key in use, if there is one. */
async function helperFor(deps: CommandDeps, serverName: string): Promise<string | undefined> {
  const key = deps.access.session.agent?.agent.agentKey;
  const registration = await readRegistration(deps.access.layout.helperRegistration(serverName)).catch(() => undefined);
  return key && registration && registration.key_source.fingerprint === keyFingerprint(key) ? deps.access.layout.helperWrapper(serverName) : undefined;
}

function pathOf(node: unknown): string | undefined {
  const n = node as TreeNode | undefined;
  if (n?.kind === 'secret') return n.path;
  if (n?.kind === 'folder') return `${n.path}/`;
  return undefined;
}

function secretOf(node: unknown): Extract<TreeNode, { kind: 'secret' }> | undefined {
  const n = node as TreeNode | undefined;
  return n?.kind === 'secret' ? n : undefined;
}

async function openHttps(url: string): Promise<void> {
  const check = checkServiceUrl(url);
  if (!check.ok) return void vscode.window.showWarningMessage(`The link ${check.problem}.`);
  await vscode.env.openExternal(vscode.Uri.parse(check.url.toString()));
}
