/**
 * "1Claw: Use an Existing Agent Key…" and "1Claw: Request Access for This Workspace…" — for VS Code
 * or Cursor on a laptop, where no template injects variables. The key goes through a password
 * box (wiped when it closes), is checked with one exchange, stored like a bootstrap result and
 * never shown again; the access request shows 1Claw's approval link and what happens next.
 */
import * as vscode from 'vscode';
import { ExistingKeyError } from '../credentials/existingKey';
import { uuidProblem } from '../credentials/keys';
import { AccessRequestError, agentNameProblem, emailProblem, requestWorkspaceAccess, type AccessRequested } from '../credentials/selfEnrolment';
import type { WorkspaceAccess } from '../credentials/workspaceAccess';
import { describeError, type Logger } from '../util/log';
import { redact } from '../util/redact';
import { COMMANDS } from '../views/ids';
import { askKey } from './commands';

export interface AgentKeyDeps {
  access: WorkspaceAccess;
  logger: Logger;
  /** The name a new agent of this workspace gets (settings, else `coder-<owner>-<workspace>`/host). */
  agentName: () => string;
  appName: string;
}

const USE_KEY = 'Use an Existing Agent Key…';

export async function runUseAgentKey(deps: AgentKeyDeps): Promise<void> {
  const { access } = deps;
  const current = access.session.agent;
  if (current?.source === 'environment') {
    return void vscode.window.showWarningMessage('This workspace\'s template injects an agent key (ONECLAW_AGENT_API_KEY), which always takes precedence. Change the key in the template instead.');
  }
  if (current && (access.session.state.kind === 'connected' || access.session.state.kind === 'refreshing')) {
    const answer = await vscode.window.showWarningMessage('Use another agent key for this workspace? The current agent is not deleted (that needs a human credential): revoke it first if you no longer need it.', { modal: true }, 'Use Another Key');
    if (answer !== 'Use Another Key') return;
  }
  const agentKey = await askKey('agent', 'The agent key (ocv_…) you were given. It is checked with one exchange, stored in ~/.1claw/agent.json (0600) and the editor\'s secret storage, and never shown.');
  if (!agentKey) return;
  const vaultId = await vscode.window.showInputBox({
    title: '1Claw vault (optional)',
    prompt: 'The ID of the vault this workspace should serve. Leave empty when the agent is bound to one vault.',
    placeHolder: 'empty: the agent\'s only vault',
    ignoreFocusOut: true,
    validateInput: (text) => (text.trim() === '' ? undefined : uuidProblem(text.trim()) ? `This ${uuidProblem(text.trim())}.` : undefined),
  });
  if (vaultId === undefined) return;
  try {
    const agent = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: '1Claw: checking the agent key' }, () => access.useAgentKey({ agentKey, vaultId: vaultId.trim() || undefined }));
    void vscode.window.showInformationMessage(`1Claw is set up with your agent key for vault ${agent.vaultId}. It is stored for this workspace and never shown.`);
  } catch (err) {
    deps.logger.warn(`Use an existing agent key: ${describeError(err)}`);
    const next = err instanceof ExistingKeyError ? '' : ' Nothing was stored.';
    void vscode.window.showErrorMessage(redact(`${describeError(err)}${next}`));
  }
}

export async function runRequestAccess(deps: AgentKeyDeps): Promise<void> {
  const client = deps.access.session.client;
  if (!client) return void vscode.window.showErrorMessage('1Claw has no valid API URL, so no request can be sent. Check the setting "oneclaw.apiBaseUrl".');
  const name = await vscode.window.showInputBox({
    title: 'Request 1Claw access (1/2): agent name',
    prompt: 'The name the new agent gets. A 1Claw human approves it and receives its key.',
    value: deps.agentName(),
    ignoreFocusOut: true,
    validateInput: (text) => (agentNameProblem(text.trim()) ? `The name ${agentNameProblem(text.trim())}.` : undefined),
  });
  if (name === undefined) return;
  const email = await vscode.window.showInputBox({
    title: 'Request 1Claw access (2/2): approver (optional)',
    prompt: 'The email of the 1Claw account that should approve it: it gets Allow/Deny links. Leave empty to share the approval link yourself.',
    placeHolder: 'admin@example.com (optional)',
    ignoreFocusOut: true,
    validateInput: (text) => (emailProblem(text.trim()) ? 'This is not an email address.' : undefined),
  });
  if (email === undefined) return;
  let requested: AccessRequested;
  try {
    requested = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: '1Claw: requesting access' }, () =>
      requestWorkspaceAccess(client, { name: name.trim(), email: email.trim() || undefined, description: `Requested from the 1Claw extension in ${deps.appName}` }),
    );
  } catch (err) {
    deps.logger.warn(`Request access: ${describeError(err)}`);
    return void vscode.window.showErrorMessage(redact(err instanceof AccessRequestError ? err.message : `1Claw could not take the request: ${describeError(err)}`));
  }
  deps.logger.info(`Access requested for "${name.trim()}"${requested.approvalUrl ? `; approval link ${requested.approvalUrl}` : ''}. ${requested.nextSteps.join(' ')}`);
  await showRequested(requested);
}

async function showRequested(requested: AccessRequested): Promise<void> {
  const open = 'Open Approval Link';
  const copy = 'Copy Approval Link';
  const actions = requested.approvalUrl ? [open, copy, USE_KEY] : [USE_KEY];
  const text = `Access requested. ${requested.approvalUrl ? `Approval link: ${requested.approvalUrl}. ` : ''}Next: ${requested.nextSteps.join(' ')}`;
  const choice = await vscode.window.showInformationMessage(redact(text), ...actions);
  if (choice === open && requested.approvalUrl) await vscode.env.openExternal(vscode.Uri.parse(requested.approvalUrl));
  else if (choice === copy && requested.approvalUrl) {
    await vscode.env.clipboard.writeText(requested.approvalUrl);
    vscode.window.setStatusBarMessage('$(copy) Copied the 1Claw approval link', 4000);
  } else if (choice === USE_KEY) await vscode.commands.executeCommand(COMMANDS.useAgentKey);
}
