/** Backoff arithmetic shared by the API client and the token manager. */

export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for inside one call; the caller reschedules. */
  maxRetryAfterMs: number;
  /**
   * Outside the editor: a time budget for the whole call (attempts, waits and timeouts together)
   * instead of a try count. A retry that would end after the budget is not started.
   */
  budgetMs?: number;
}

/** With a budget, attempts are bounded by time, and by this count as a last resort. */
export const MAX_BUDGETED_ATTEMPTS = 50;

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 30_000,
};

/** "Full jitter" exponential backoff: uniform in [0, min(cap, base·2^attempt)], never below a floor. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt));
  const floor = Math.min(ceiling, policy.baseDelayMs / 2);
  return Math.round(floor + random() * (ceiling - floor));
}

/** Retry-After is either delta-seconds or an HTTP date. Returns milliseconds, or undefined when absent/invalid. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
