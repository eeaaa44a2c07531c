/**
 * The commands of the sign-in paths and the access/audit views (issue 20), merged by services.ts
 * into the extension's command table (package.json contributes exactly these too).
 */
import { COMMANDS, type CommandTable } from '../views/ids';
import { runRequestAccess, runUseAgentKey, type AgentKeyDeps } from './agentKeyFlows';
import type { AccessViewProvider } from './accessView';
import type { AuditViewProvider } from './auditView';
import { runDeviceSignIn, type SignInDeps } from './signInFlow';

export interface AccessCommandDeps extends SignInDeps, AgentKeyDeps {
  accessView: AccessViewProvider;
  auditView: AuditViewProvider;
}

export function accessCommandHandlers(deps: AccessCommandDeps) {
  return {
    [COMMANDS.signIn]: () => runDeviceSignIn(deps),
    [COMMANDS.useAgentKey]: () => runUseAgentKey(deps),
    [COMMANDS.requestAccess]: () => runRequestAccess(deps),
    [COMMANDS.refreshAccess]: () => deps.accessView.refresh(),
    [COMMANDS.refreshAudit]: () => deps.auditView.refresh(),
    [COMMANDS.auditLoadMore]: () => deps.auditView.loadMore(),
  } satisfies CommandTable;
}
