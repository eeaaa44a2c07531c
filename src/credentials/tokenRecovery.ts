/**
 * Run an API call with the agent's token, and recover by ourselves when the token itself went
 * stale: a policy change revokes an agent's live tokens at once (the next call gets 401, or 403
 * "Token has been revoked" / stale scopes). Then: drop the token, exchange the key again ONCE,
 * repeat the call, and say so in the log. Concurrent callers share the one exchange.
 */
import { isStaleTokenError } from '../api/errors';
import { silentLogger, type Logger } from '../util/log';
import type { TokenManager } from './tokenManager';

export interface RecoveryHooks {
  logger?: Logger;
  /** Called once per refused token, before the new exchange (registrations that hold a token follow it). */
  onRefused?: () => void;
}

export async function withAgentToken<T>(tokens: TokenManager, call: (token: string) => Promise<T>, hooks: RecoveryHooks = {}): Promise<T> {
  const logger = hooks.logger ?? silentLogger;
  const token = await tokens.getToken();
  try {
    return await call(token);
  } catch (err) {
    if (!isStaleTokenError(err)) throw err;
    const first = tokens.current?.token === token;
    if (first) {
      logger.info(`1Claw refused the agent token on ${err.method} ${err.route} (${err.status}: ${err.detail ?? err.title ?? 'no detail'}). A policy change or a revocation ends live tokens; exchanging the key again, once.`);
      tokens.invalidate(token);
      hooks.onRefused?.();
    }
    const started = Date.now();
    const result = await call(await tokens.getToken());
    if (first) logger.info(`Recovered with a new agent token: ${err.method} ${err.route} succeeded ${Date.now() - started} ms after the refusal.`);
    return result;
  }
}
