/**
 * "1Claw: Sign In and Bootstrap Workspace Agent…": device sign-in in the editor. A cancellable
 * progress notification shows the code and the verification page while the core
 * (src/credentials/deviceSignIn.ts) waits for the approval; a second notification offers to copy
 * the code and open the page (vscode.env.openExternal: a new tab in code-server, the system
 * browser on the desktop). The session then runs the usual bootstrap, which revokes it. No human
 * key is typed, stored, or put in any environment; the revocation memory is cleared (explicit).
 */
import * as vscode from 'vscode';
import { BootstrapError, type BootstrapResult } from '../credentials/bootstrap';
import { DeviceSignInError, deviceCredential, deviceSignIn, endDeviceSession, type DevicePrompt, type DeviceSession } from '../credentials/deviceSignIn';
import { emailProblem } from '../credentials/selfEnrolment';
import type { WorkspaceAccess } from '../credentials/workspaceAccess';
import type { ExtensionSettings } from '../settings';
import { describeError, type Logger } from '../util/log';
import { redact } from '../util/redact';
import { countdown } from '../views/statusPresentation';
import { bootstrapSummary, confirmNewAgent } from './commands';

export interface SignInDeps {
  access: WorkspaceAccess;
  log: vscode.LogOutputChannel;
  logger: Logger;
  settings: () => ExtensionSettings;
}

const COPY_AND_OPEN = 'Copy Code and Open Browser';
const COPY_CODE = 'Copy Code';

export async function runDeviceSignIn(deps: SignInDeps): Promise<void> {
  const { access } = deps;
  if (!(await confirmNewAgent(access, false))) return;
  const client = access.session.client;
  if (!client) return void vscode.window.showErrorMessage('1Claw has no valid API URL, so sign-in cannot start. Check the setting "oneclaw.apiBaseUrl" (or ONECLAW_BASE_URL).');
  let email: string | undefined;
  let session: DeviceSession | undefined;
  for (let attempt = 0; attempt < 2 && !session; attempt++) {
    try {
      session = await waitForApproval(client, email, deps.logger);
    } catch (err) {
      if (err instanceof DeviceSignInError && err.reason === 'email-required' && email === undefined) {
        email = await askApproverEmail();
        if (email) continue;
        return;
      }
      if (err instanceof DeviceSignInError && err.reason === 'cancelled') return void vscode.window.showInformationMessage('1Claw sign-in cancelled. Nothing was created.');
      deps.logger.warn(`Sign-in: ${describeError(err)}`);
      return void vscode.window.showErrorMessage(redact(`1Claw sign-in: ${describeError(err)}`), 'Show Log').then((c) => c && deps.log.show());
    }
  }
  if (!session) return;
  try {
    const result = await bootstrapWithProgress(access, session);
    void vscode.window.showInformationMessage(bootstrapSummary(result, deps.settings(), 'device'));
  } catch (err) {
    // A bootstrap that started revoked the session itself; anything earlier did not.
    if (!(err instanceof BootstrapError)) await endDeviceSession(client, session, deps.logger);
    void vscode.window.showErrorMessage(redact(`${describeError(err)} Nothing was left behind; fix the cause and sign in again.`), 'Show Log').then((c) => c && deps.log.show());
  }
}

/** The progress notification (Cancel stops the wait) while the core polls. */
function waitForApproval(client: NonNullable<WorkspaceAccess['session']['client']>, email: string | undefined, logger: Logger): Thenable<DeviceSession> {
  const abort = new AbortController();
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: '1Claw sign-in', cancellable: true }, async (progress, token) => {
    const cancel = token.onCancellationRequested(() => abort.abort());
    let prompt: DevicePrompt | undefined;
    try {
      return await deviceSignIn(client, {
        email,
        signal: abort.signal,
        logger,
        onPrompt: (shown) => {
          prompt = shown;
          progress.report({ message: promptText(shown) });
          void offerCode(shown);
        },
        onWaiting: (info) => {
          if (prompt) progress.report({ message: `${promptText(prompt)} Waiting for approval; the code expires in ${countdown(info.remainingMs)}.` });
        },
      });
    } finally {
      cancel.dispose();
    }
  });
}

function promptText(prompt: DevicePrompt): string {
  return `Open [${new URL(prompt.verificationUrl).host}](${prompt.openUrl}) and approve the code ${prompt.userCode}.`;
}

/** The code and the page, with a copy button; opening the browser is the editor's call (it may refuse). */
async function offerCode(prompt: DevicePrompt): Promise<void> {
  const choice = await vscode.window.showInformationMessage(
    `Your 1Claw sign-in code is ${prompt.userCode}. Approve it at ${prompt.verificationUrl} to create this workspace's agent; no key is typed or stored here.`,
    COPY_AND_OPEN,
    COPY_CODE,
  );
  if (choice !== COPY_AND_OPEN && choice !== COPY_CODE) return;
  await vscode.env.clipboard.writeText(prompt.userCode);
  vscode.window.setStatusBarMessage(`$(copy) Copied the 1Claw sign-in code ${prompt.userCode}`, 5000);
  if (choice === COPY_AND_OPEN && !(await vscode.env.openExternal(vscode.Uri.parse(prompt.openUrl)))) {
    void vscode.window.showInformationMessage(`Open ${prompt.openUrl} in a browser to approve the sign-in.`);
  }
}

function bootstrapWithProgress(access: WorkspaceAccess, session: DeviceSession): Thenable<BootstrapResult> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: '1Claw: signed in; creating the workspace agent' }, (progress) => {
    const sub = access.session.onDidChangeState((s) => {
      if (s.kind === 'bootstrapping') progress.report({ message: s.step });
    });
    return access.bootstrap(deviceCredential(session)).finally(() => sub.dispose());
  });
}

async function askApproverEmail(): Promise<string | undefined> {
  const email = await vscode.window.showInputBox({
    title: '1Claw sign-in',
    prompt: 'This 1Claw server asks for the email of the account that will approve the sign-in (only that account can approve it).',
    placeHolder: 'you@example.com',
    ignoreFocusOut: true,
    validateInput: (text) => (text.trim() === '' ? undefined : emailProblem(text.trim()) ? 'This is not an email address.' : undefined),
  });
  return email?.trim() || undefined;
}
