// Credentials: exchanging keys for JWTs and turning a bearer header into a
// principal. Verification runs on every authenticated request (signature,
// exp against the emulator clock, revocation), as the real API does.
import type { AgentClaims, HumanClaims } from './jwt';
import { newId } from './keys';
import { forbidden, unauthorized } from './problems';
import type { EmulatorState } from './state';
import type { AgentRecord } from './types';

export type Principal =
  | { kind: 'user'; id: string; jti: string | null; exp: number | null }
  | { kind: 'agent'; id: string; jti: string; exp: number; scopes: string[]; vaultIds: string[] };

export function principalLabel(principal: Principal | undefined): string {
  return principal === undefined ? 'anonymous' : `${principal.kind}:${principal.id}`;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

/** Scopes are fixed at issuance: explicit agent scopes, else its live policies' patterns. */
function scopesFor(state: EmulatorState, agent: AgentRecord): string[] {
  if (agent.scopes.length > 0) return [...agent.scopes];
  return [...new Set(state.agentPolicies(agent.id).map((policy) => policy.secretPathPattern))];
}

export function issueAgentToken(state: EmulatorState, agent: AgentRecord): IssuedToken {
  const ttl = agent.tokenTtlSeconds ?? state.agentTokenTtlSeconds;
  const iat = state.nowSeconds();
  const claims: AgentClaims = {
    sub: `agent:${agent.id}`,
    org: agent.orgId,
    scopes: scopesFor(state, agent),
    vault_ids: [...agent.vaultIds],
    iat,
    exp: iat + ttl,
    jti: newId(),
  };
  const token = state.signer.sign(claims);
  state.remember(token);
  state.trackAgentToken(agent.id, claims.jti, claims.exp);
  agent.lastActiveAt = state.nowIso();
  return { token, expiresIn: ttl };
}

export function issueHumanToken(state: EmulatorState, userId: string): IssuedToken {
  const ttl = state.humanTokenTtlSeconds;
  const iat = state.nowSeconds();
  const claims: HumanClaims = { sub: `user:${userId}`, org: state.org.id, iat, exp: iat + ttl, jti: newId() };
  const token = state.signer.sign(claims);
  state.remember(token);
  return { token, expiresIn: ttl };
}

function authFailure(state: EmulatorState, reason: string, actorId = '', actorType: 'agent' | 'user' | 'anonymous' = 'anonymous'): Error {
  state.record({
    action: 'auth.failure',
    actor_id: actorId,
    actor_type: actorType,
    resource_type: 'auth',
    resource_id: actorId,
    details: { reason },
  });
  return unauthorized(reason);
}

/** ocv_ key (+ optional agent_id) -> agent JWT. Throws 401 problems; audits both outcomes. */
export function exchangeAgentKey(state: EmulatorState, apiKey: string, agentId: string | undefined, via: 'rest' | 'mcp'): IssuedToken & { agent: AgentRecord } {
  if (!apiKey.startsWith('ocv_')) throw authFailure(state, 'Invalid API key: agent keys start with ocv_');
  const agent = state.agentByKey(apiKey);
  if (agent === undefined) throw authFailure(state, 'Invalid agent credentials', agentId ?? '');
  if (agentId !== undefined && agentId !== agent.id) throw authFailure(state, 'Invalid agent credentials', agentId);
  if (!agent.isActive) throw authFailure(state, 'Agent is deactivated', agent.id, 'agent');
  if (state.isPast(agent.expiresAt)) throw authFailure(state, 'Agent has expired', agent.id, 'agent');
  if (state.isPast(agent.apiKeyExpiresAt)) throw authFailure(state, 'Agent API key has expired', agent.id, 'agent');
  const issued = issueAgentToken(state, agent);
  state.record({
    action: 'auth.success',
    actor_id: agent.id,
    actor_type: 'agent',
    resource_type: 'agent',
    resource_id: agent.id,
    details: { method: 'agent_api_key', via },
  });
  return { ...issued, agent };
}

/** 1ck_ key -> human JWT. */
export function exchangeHumanKey(state: EmulatorState, apiKey: string): IssuedToken {
  if (!apiKey.startsWith('1ck_')) throw authFailure(state, 'Invalid API key: user keys start with 1ck_');
  const human = state.humanByKey(apiKey);
  if (human === undefined) throw authFailure(state, 'Invalid API key');
  const issued = issueHumanToken(state, human.id);
  state.record({
    action: 'auth.success',
    actor_id: human.id,
    actor_type: 'user',
    resource_type: 'user',
    resource_id: human.id,
    details: { method: 'user_api_key' },
  });
  return issued;
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item): item is string => typeof item === 'string') ? value : undefined;
}

/** Verifies a JWT fully (signature, claims, exp on the emulator clock, revocation). */
export function verifyJwt(state: EmulatorState, token: string): Principal {
  const verified = state.signer.verify(token);
  if (!verified.ok) throw authFailure(state, verified.reason === 'malformed' ? 'Malformed bearer token' : 'Invalid token signature');
  const claims = verified.claims;
  const { sub, exp, jti } = claims;
  if (typeof sub !== 'string' || typeof exp !== 'number' || typeof jti !== 'string') throw authFailure(state, 'Malformed token claims');
  const [kind, id] = sub.split(':', 2);
  if (state.nowSeconds() >= exp) throw authFailure(state, 'Token has expired', id ?? '');
  const revoked = state.revokedJtis.get(jti);
  if (revoked !== undefined) {
    const failure = authFailure(state, 'Token has been revoked', id ?? '');
    // A policy change's revocation: 401 (llms.txt) unless the switch asks for the 403 the MCP client also handles.
    throw revoked === 'policy' && state.switches.policyRevocationStatus === 403 ? forbidden('Token has been revoked') : failure;
  }
  if (kind === 'user' && id !== undefined && state.humans.has(id)) return { kind: 'user', id, jti, exp };
  if (kind === 'agent' && id !== undefined) {
    const scopes = stringArray(claims['scopes']);
    const vaultIds = stringArray(claims['vault_ids']);
    if (scopes !== undefined && vaultIds !== undefined) return { kind: 'agent', id, jti, exp, scopes, vaultIds };
  }
  throw authFailure(state, 'Malformed token claims');
}

/**
 * Authorization header -> principal for the REST API.
 * A raw `1ck_` bearer is accepted as the human it belongs to: DOCS llms.txt and the glossary say
 * user keys "work as Bearer tokens on all authenticated endpoints", SPEC defines ApiKeyAuth
 * ("1ck_ prefixed API key used as Bearer token"), and the official CLI sends ONECLAW_API_KEY as
 * its bearer (1claw-cli@47d364e src/auth.ts requireAuth). A raw `ocv_` bearer is refused: agents
 * exchange first (only the MCP server takes ocv_ directly).
 */
export function authenticate(state: EmulatorState, header: string | undefined): Principal {
  const match = /^Bearer +(\S+)\s*$/i.exec(header ?? '');
  const credential = match?.[1];
  if (credential === undefined) throw authFailure(state, 'Missing or malformed Authorization header (expected "Bearer <token>")');
  if (credential.startsWith('ocv_')) {
    throw authFailure(state, 'Agent API keys are not accepted as bearer tokens; exchange them at POST /v1/auth/agent-token');
  }
  if (credential.startsWith('1ck_')) {
    const human = state.humanByKey(credential);
    if (human === undefined) throw authFailure(state, 'Invalid API key');
    return { kind: 'user', id: human.id, jti: null, exp: null };
  }
  return verifyJwt(state, credential);
}

/** Best-effort attribution for log lines of requests that never reached auth (faults). */
export function peekPrincipal(state: EmulatorState, header: string | undefined): string {
  const credential = /^Bearer +(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (credential === undefined) return 'anonymous';
  if (credential.startsWith('1ck_')) {
    const human = state.humanByKey(credential);
    return human === undefined ? 'anonymous' : `user:${human.id}`;
  }
  if (credential.startsWith('ocv_')) {
    const agent = state.agentByKey(credential);
    return agent === undefined ? 'anonymous' : `agent:${agent.id}`;
  }
  const verified = state.signer.verify(credential);
  const sub = verified.ok ? verified.claims['sub'] : undefined;
  return typeof sub === 'string' ? sub : 'anonymous';
}
