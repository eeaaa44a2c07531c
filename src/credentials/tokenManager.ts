/**
 * Exchanges the agent's `ocv_` key for a JWT and keeps one valid: refreshes a margin before
 * expiry, runs at most one exchange at a time whatever the number of callers, backs off on
 * transient failures (keeping the last good token while it lives), and stops for good when the
 * key itself is refused.
 */
import { ApiError, OneClawError, isTransient } from '../api/errors';
import type { OneClawClient } from '../api/client';
import type { TokenResponse } from '../api/schemas';
import { backoffDelay } from '../api/retry';
import { systemClock, type Clock } from '../util/clock';
import type { Disposable } from '../util/disposable';
import { Emitter } from '../util/events';
import { describeError, silentLogger, type Logger } from '../util/log';
import { registerSecret } from '../util/redact';
import type { AgentRecord } from './agentRecord';
import { agentIdFromSubject, decodeJwtClaims, jwtLifetimeSeconds } from './jwt';

export type AgentIdentity = Pick<AgentRecord, 'agentKey' | 'agentId'>;

export interface IssuedToken {
  token: string;
  /** Local-clock times: lifetimes are measured from receipt, so host/server clock skew does not matter. */
  issuedAt: number;
  expiresAt: number;
  agentId?: string;
  vaultIds: string[];
  /** The JWT's `scopes` claim (path globs of the agent's policies at issuance, across vaults), when present. */
  scopes?: string[];
}

export type TokenEvent =
  | { kind: 'issued'; token: IssuedToken }
  | { kind: 'refreshing' }
  | { kind: 'offline'; retryAt: number; error: string; lastGood?: IssuedToken }
  | { kind: 'revoked'; error: string }
  | { kind: 'failed'; error: string }
  /** The token expired before a new one could be issued (the server asked us to wait longer than it lived). */
  | { kind: 'lapsed'; expiredAt: number; retryAt?: number };

type TokenStatus = 'idle' | 'valid' | 'refreshing' | 'offline' | 'revoked' | 'failed' | 'disposed';

export class TokenRevokedError extends OneClawError {}
export class TokenUnavailableError extends OneClawError {
  constructor(
    message: string,
    readonly retryAt?: number,
  ) {
    super(message);
  }
}

export interface TokenManagerOptions {
  client: Pick<OneClawClient, 'exchangeAgentKey'>;
  identity: AgentIdentity;
  clock?: Clock;
  refreshMarginMs?: number;
  /** Backoff of background retries while the API is unreachable. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  random?: () => number;
  logger?: Logger;
}

const DEFAULT_MARGIN_MS = 60_000;
/** After a 402 on the exchange, check again this much later (or at once on Refresh): a payment takes a person. */
const PAYMENT_RECHECK_MS = 15 * 60_000;
/** Used only when neither `expires_in` nor the JWT says how long the token lives. */
const FALLBACK_LIFETIME_MS = 5 * 60_000;
const MIN_SKEWED_LIFETIME_MS = 30_000;

export class TokenManager implements Disposable {
  private readonly emitter = new Emitter<TokenEvent>();
  readonly onDidChange = this.emitter.event;

  private readonly clock: Clock;
  private readonly marginMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly random: () => number;
  private readonly logger: Logger;

  private currentToken: IssuedToken | undefined;
  private inflight: Promise<IssuedToken> | undefined;
  private timer: Disposable | undefined;
  /** Fires when the current token expires without a successor. */
  private lapseTimer: Disposable | undefined;
  private failures = 0;
  private retryAt: number | undefined;
  private lastError: string | undefined;
  private state: TokenStatus = 'idle';

  constructor(private readonly options: TokenManagerOptions) {
    this.clock = options.clock ?? systemClock;
    this.marginMs = options.refreshMarginMs ?? DEFAULT_MARGIN_MS;
    this.retryBaseMs = options.retryBaseMs ?? 1_000;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? silentLogger;
  }

  get current(): IssuedToken | undefined {
    return this.currentToken;
  }

  /** Begin: the first exchange runs in the background; its outcome arrives as an event. */
  start(): void {
    void this.refresh().catch(() => undefined);
  }

  /** A token that is valid now. Shares one exchange among concurrent callers. */
  async getToken(): Promise<string> {
    this.assertUsable();
    const now = this.clock.now();
    const token = this.currentToken;
    if (token && now < this.refreshPoint(token)) return token.token;
    const waiting = this.state === 'offline' || this.state === 'failed';
    if (waiting && this.retryAt !== undefined && now < this.retryAt && !this.inflight) {
      // Between background retries, answer from the last good token or fail fast: no request storm.
      if (token && now < token.expiresAt) return token.token;
      throw new TokenUnavailableError(this.lastError ?? 'The 1Claw API is unreachable.', this.retryAt);
    }
    try {
      return (await this.refresh()).token;
    } catch (err) {
      if (token && this.clock.now() < token.expiresAt && !(err instanceof TokenRevokedError)) return token.token;
      throw err;
    }
  }

  /** Force a new exchange now (the Refresh command), even while backing off. */
  async refreshNow(): Promise<IssuedToken> {
    this.assertUsable();
    return this.refresh();
  }

  /** The API refused `token` (401): drop it so the next caller exchanges again. */
  invalidate(token: string): void {
    if (this.currentToken?.token === token) this.currentToken = undefined;
  }

  dispose(): void {
    this.state = 'disposed';
    this.timer?.dispose();
    this.timer = undefined;
    this.lapseTimer?.dispose();
    this.lapseTimer = undefined;
    this.currentToken = undefined;
    this.emitter.dispose();
  }

  private assertUsable(): void {
    if (this.state === 'disposed') throw new TokenUnavailableError('The 1Claw connection was closed.');
    if (this.state === 'revoked') throw new TokenRevokedError(this.lastError ?? '1Claw refused the agent key.');
  }

  /** When to renew: `margin` before expiry, but never later than half-way through a short lifetime. */
  private refreshPoint(token: IssuedToken): number {
    const lifetime = token.expiresAt - token.issuedAt;
    return token.expiresAt - Math.min(this.marginMs, lifetime / 2);
  }

  private refresh(): Promise<IssuedToken> {
    if (!this.inflight) {
      this.inflight = this.exchange().finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async exchange(): Promise<IssuedToken> {
    if (this.currentToken) {
      this.state = 'refreshing';
      this.emitter.fire({ kind: 'refreshing' });
    }
    let response: TokenResponse;
    try {
      response = await this.options.client.exchangeAgentKey(this.options.identity.agentKey, this.options.identity.agentId);
    } catch (err) {
      throw this.onExchangeFailure(err);
    }
    if (this.isDisposed()) throw new TokenUnavailableError('The 1Claw connection was closed.');
    registerSecret(response.access_token);
    const issued = this.toIssuedToken(response);
    this.currentToken = issued;
    this.failures = 0;
    this.retryAt = undefined;
    this.lastError = undefined;
    this.state = 'valid';
    this.schedule(this.refreshPoint(issued) - this.clock.now());
    this.watchLapse(issued);
    this.logger.info(`Agent token issued; valid for ${Math.round((issued.expiresAt - issued.issuedAt) / 1000)} s.`);
    this.emitter.fire({ kind: 'issued', token: issued });
    return issued;
  }

  private onExchangeFailure(err: unknown): Error {
    const message = describeError(err);
    this.lastError = message;
    if (this.isDisposed()) return new TokenUnavailableError('The 1Claw connection was closed.');
    if (err instanceof ApiError && err.isUnauthorized) {
      this.state = 'revoked';
      this.currentToken = undefined;
      this.timer?.dispose();
      this.timer = undefined;
      this.lapseTimer?.dispose();
      this.lapseTimer = undefined;
      this.logger.warn(`1Claw refused the agent key: ${message}`);
      this.emitter.fire({ kind: 'revoked', error: message });
      return new TokenRevokedError(message);
    }
    if (err instanceof ApiError && err.isPaymentRequired) {
      // Quota or payment, not auth and not a passing fault: retrying every minute cannot help.
      this.retryAt = this.clock.now() + PAYMENT_RECHECK_MS;
      this.state = 'offline';
      this.schedule(PAYMENT_RECHECK_MS);
      this.logger.warn(`Token exchange refused with 402 Payment Required (${message}); not retried before ${clockTime(this.retryAt)} unless you click Refresh.`);
      this.emitter.fire({ kind: 'offline', retryAt: this.retryAt, error: message, lastGood: this.liveToken() });
      return new TokenUnavailableError(message, this.retryAt);
    }
    if (isTransient(err)) {
      this.failures++;
      const backoff = backoffDelay(this.failures - 1, { baseDelayMs: this.retryBaseMs, maxDelayMs: this.retryMaxMs }, this.random);
      const serverWish = err instanceof ApiError ? err.retryAfterMs : undefined;
      const delay = Math.max(backoff, serverWish ?? 0);
      this.retryAt = this.clock.now() + delay;
      this.state = 'offline';
      this.schedule(delay);
      this.logger.warn(`Token exchange failed (${message}); retry ${this.failures} in ${Math.round(delay / 1000)} s.`);
      this.emitter.fire({ kind: 'offline', retryAt: this.retryAt, error: message, lastGood: this.liveToken() });
      return new TokenUnavailableError(message, this.retryAt);
    }
    // Not transient (a 400/403, a malformed answer): try again only slowly, and say so.
    this.state = 'failed';
    this.retryAt = this.clock.now() + this.retryMaxMs;
    this.schedule(this.retryMaxMs);
    this.logger.error(`Token exchange failed: ${message}`);
    this.emitter.fire({ kind: 'failed', error: message });
    return err instanceof Error ? err : new TokenUnavailableError(message);
  }

  private liveToken(): IssuedToken | undefined {
    return this.currentToken && this.clock.now() < this.currentToken.expiresAt ? this.currentToken : undefined;
  }

  /** Say so (log and event) if this token expires before a successor is issued, e.g. while a long Retry-After runs. */
  private watchLapse(token: IssuedToken): void {
    this.lapseTimer?.dispose();
    this.lapseTimer = this.clock.setTimer(() => {
      this.lapseTimer = undefined;
      if (this.currentToken !== token || this.state === 'disposed' || this.state === 'revoked') return;
      const waiting = this.retryAt !== undefined && this.retryAt > this.clock.now() ? this.retryAt : undefined;
      this.logger.warn(
        `The agent token expired at ${clockTime(token.expiresAt)} before it could be renewed${waiting ? `: 1Claw asked us to wait until ${clockTime(waiting)}` : ''}. MCP clients cannot authenticate with it; a new token follows the next successful exchange.`,
      );
      this.emitter.fire({ kind: 'lapsed', expiredAt: token.expiresAt, ...(waiting ? { retryAt: waiting } : {}) });
    }, token.expiresAt - this.clock.now());
  }

  private schedule(delayMs: number): void {
    this.timer?.dispose();
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      if (this.state === 'disposed' || this.state === 'revoked') return;
      void this.refresh().catch(() => undefined);
    }, Math.max(0, delayMs));
  }

  private isDisposed(): boolean {
    return this.state === 'disposed';
  }

  private toIssuedToken(response: TokenResponse): IssuedToken {
    const now = this.clock.now();
    const claims = decodeJwtClaims(response.access_token);
    let lifetimeMs: number;
    if (response.expires_in) lifetimeMs = Math.min(response.expires_in, jwtLifetimeSeconds(claims) ?? Infinity) * 1000;
    else if (claims?.exp !== undefined && claims.iat !== undefined && claims.exp > claims.iat) lifetimeMs = (claims.exp - claims.iat) * 1000;
    else if (claims?.exp !== undefined) {
      // Only an absolute expiry: this machine's clock decides, so guard against skew.
      lifetimeMs = claims.exp * 1000 - now;
      if (lifetimeMs < MIN_SKEWED_LIFETIME_MS) {
        this.logger.warn('The token expires almost at once by this machine\'s clock; the host and server clocks may differ.');
        lifetimeMs = MIN_SKEWED_LIFETIME_MS;
      }
    } else lifetimeMs = FALLBACK_LIFETIME_MS;
    return {
      token: response.access_token,
      issuedAt: now,
      expiresAt: now + lifetimeMs,
      agentId: response.agent_id ?? agentIdFromSubject(claims?.sub) ?? this.options.identity.agentId,
      vaultIds: response.vault_ids ?? claims?.vault_ids ?? [],
      ...(claims?.scopes ? { scopes: claims.scopes } : {}),
    };
  }
}

/** HH:MM:SS in local time, for log lines. */
function clockTime(time: number): string {
  return new Date(time).toTimeString().slice(0, 8);
}
