/** The states a developer can see. Every transition is an event the UI listens to. */
import type { AgentRecord } from './agentRecord';

export type CredentialSource = 'environment' | 'cache-file' | 'coder-module-cache' | 'legacy-cache' | 'secret-storage' | 'bootstrap';

/** What the views show of the live connection: the agent record's public part (never its key). */
export interface Session extends Pick<AgentRecord, 'vaultName' | 'agentId' | 'agentName'> {
  vaultId: string;
  source: CredentialSource;
  /** Local-clock expiry of the current JWT. */
  expiresAt: number;
  lastRefresh: number;
}

export type ConnectionState =
  | { kind: 'notConfigured'; reason?: string }
  | { kind: 'bootstrapping'; step: string }
  | { kind: 'connecting'; source: CredentialSource }
  | { kind: 'connected'; session: Session }
  | { kind: 'refreshing'; session: Session }
  | { kind: 'offline'; retryAt: number; error: string; lastGood?: Session }
  | { kind: 'revoked'; message: string; cause?: RevocationCause }
  | { kind: 'error'; message: string; nextStep: string };

export type StateKind = ConnectionState['kind'];

/**
 * Why access ended, so the welcome view says only what is true: `deleted` (revoked here, agent
 * deleted), `kept` (revoked here, the agent still exists and its key still works elsewhere),
 * `gone` (revoked here; the agent had already been deleted), `earlier` (revoked in an earlier
 * session), `refused` (1Claw refused the key: deleted, deactivated or rotated elsewhere).
 */
export type RevocationCause = 'deleted' | 'kept' | 'gone' | 'earlier' | 'refused';

export function sessionOf(state: ConnectionState): Session | undefined {
  switch (state.kind) {
    case 'connected':
    case 'refreshing':
      return state.session;
    case 'offline':
      return state.lastGood;
    default:
      return undefined;
  }
}

/** Whether agent credentials are in place (drives the `oneclaw.configured` context key). */
export function isConfigured(state: ConnectionState): boolean {
  return state.kind === 'connecting' || state.kind === 'connected' || state.kind === 'refreshing' || state.kind === 'offline' || state.kind === 'error';
}
