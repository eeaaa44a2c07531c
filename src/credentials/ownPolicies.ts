/**
 * The agent's own policies per vault (`GET /v1/vaults/{id}/policies`), read on demand and shared:
 * the vault tree's "No access / No secrets yet" rows (vaultGrants.ts) and the Access view ask the
 * same cache, so showing both costs one listing per vault. Nothing here runs by itself (an idle
 * editor asks nothing); answers belong to the token they were read with — a policy change revokes
 * the agent's tokens, so the next token starts afresh — and at most MAX_VAULTS are kept.
 */
import { ApiError } from '../api/errors';
import type { Policy } from '../api/schemas';
import { describeError } from '../util/log';
import type { AgentSession } from './session';

/** What the policy route answered for one vault. */
export type PolicyAnswer = { kind: 'ok'; policies: readonly Policy[] } | { kind: 'refused'; status: number; detail?: string } | { kind: 'error'; message: string };

const MAX_VAULTS = 64;

type Source = Pick<AgentSession, 'withToken' | 'currentToken'>;

export class OwnPolicies {
  /** Insertion order is age: the oldest answer goes first. */
  private readonly answers = new Map<string, PolicyAnswer>();
  private readonly pending = new Map<string, Promise<PolicyAnswer>>();
  private token: string | undefined;

  constructor(private readonly session: Source) {}

  get size(): number {
    return this.answers.size;
  }

  /** The answer for this vault under the current token: cached, or one request shared by concurrent callers. */
  get(vaultId: string): Promise<PolicyAnswer> {
    this.followToken();
    const known = this.answers.get(vaultId);
    if (known) return Promise.resolve(known);
    let request = this.pending.get(vaultId);
    if (!request) {
      const token = this.token;
      request = this.fetch(vaultId).then((answer) => {
        if (this.token === token) this.remember(vaultId, answer);
        return answer;
      });
      const mine = request;
      mine.finally(() => this.pending.get(vaultId) === mine && this.pending.delete(vaultId)).catch(() => undefined);
      this.pending.set(vaultId, mine);
    }
    return request;
  }

  /** The cached answer, if any (no request). */
  peek(vaultId: string): PolicyAnswer | undefined {
    this.followToken();
    return this.answers.get(vaultId);
  }

  remember(vaultId: string, answer: PolicyAnswer): void {
    this.followToken();
    this.answers.delete(vaultId);
    this.answers.set(vaultId, answer);
    while (this.answers.size > MAX_VAULTS) this.answers.delete(this.answers.keys().next().value!);
  }

  /** Read again on the next ask (the views' Refresh). */
  clear(): void {
    this.answers.clear();
  }

  private followToken(): void {
    const token = this.session.currentToken?.token;
    if (token === this.token) return;
    this.token = token;
    this.answers.clear();
    this.pending.clear();
  }

  private async fetch(vaultId: string): Promise<PolicyAnswer> {
    try {
      return { kind: 'ok', policies: await this.session.withToken((client, token) => client.listPolicies(token, vaultId)) };
    } catch (err) {
      if (err instanceof ApiError && (err.isForbidden || err.isUnauthorized || err.isNotFound || err.status === 402)) return { kind: 'refused', status: err.status, detail: err.detail };
      return { kind: 'error', message: describeError(err) };
    }
  }
}

const perSession = new WeakMap<Source, OwnPolicies>();

/** The one cache of a session (the tree and the Access view share it). */
export function ownPoliciesOf(session: Source): OwnPolicies {
  let cache = perSession.get(session);
  if (!cache) perSession.set(session, (cache = new OwnPolicies(session)));
  return cache;
}
