/**
 * The commands of the sign-in paths and the access/audit views (issue 20), merged by services.ts
 * into the extension's command table (package.json contributes exactly these too).
 */
import { runRequestAccess, runUseAgentKey, type AgentKeyDeps } from './agentKeyFlows';
import type { AccessViewProvider } from './accessView';
import type { AuditViewProvider } from './auditView';
import { runDeviceSignIn, type SignInDeps } from './signInFlow';

export interface AccessCommandDeps extends SignInDeps, AgentKeyDeps {
  accessView: AccessViewProvider;
  auditView: AuditViewProvider;
}

export function accessCommandHandlers(deps: AccessCommandDeps): Record<string, (...args: unknown[]) => unknown> {
  return {
    'oneclaw.signIn': () => runDeviceSignIn(deps),
    'oneclaw.useAgentKey': () => runUseAgentKey(deps),
    'oneclaw.requestAccess': () => runRequestAccess(deps),
    'oneclaw.refreshAccess': () => deps.accessView.refresh(),
    'oneclaw.refreshAudit': () => deps.auditView.refresh(),
    'oneclaw.auditLoadMore': () => deps.auditView.loadMore(),
  };
}
