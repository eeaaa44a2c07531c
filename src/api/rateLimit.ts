/**
 * Rate-limit headers slow the client down instead of producing errors. The API answers 429 with
 * `Retry-After` (seconds or an HTTP date); the hosted MCP server sends `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset` (epoch seconds there; delta seconds in the IETF
 * draft) on every answer and a bare 429 when the window is used up. Whatever the server says,
 * the pacer remembers until when no request should go out.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parseRetryAfter } from './retry';

/** Above this a RateLimit-Reset value is an epoch time in seconds, below it a number of seconds to wait. */
const EPOCH_THRESHOLD_SECONDS = 1_000_000_000;

/** Milliseconds until the window resets, from a `RateLimit-Reset` value (either form). */
function parseRateLimitReset(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  const seconds = Number(text);
  return seconds >= EPOCH_THRESHOLD_SECONDS ? Math.max(0, seconds * 1000 - now) : seconds * 1000;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface ServerWait {
  ms: number;
  /** Which header said so, for the log. */
  source: 'Retry-After' | 'RateLimit-Reset';
}

/**
 * How long the server asked us to wait after this answer, if at all: Retry-After on a 429/503,
 * else RateLimit-Reset when the answer is a 429 or says no request is left in the window.
 */
export function serverWait(status: number, headers: IncomingHttpHeaders, now: number): ServerWait | undefined {
  const retryAfter = status === 429 || status === 503 ? parseRetryAfter(headers['retry-after'], now) : undefined;
  if (retryAfter !== undefined) return { ms: retryAfter, source: 'Retry-After' };
  const remaining = header(headers, 'ratelimit-remaining');
  if (status === 429 || (remaining !== undefined && Number(remaining.trim()) <= 0)) {
    const reset = parseRateLimitReset(headers['ratelimit-reset'], now);
    if (reset !== undefined) return { ms: reset, source: 'RateLimit-Reset' };
  }
  return undefined;
}

export class RatePacer {
  private notBefore = 0;
  private source: ServerWait['source'] | undefined;

  /** Remember what an answer said about the rate limit. */
  observe(status: number, headers: IncomingHttpHeaders, now: number): void {
    const wait = serverWait(status, headers, now);
    if (wait && now + wait.ms > this.notBefore) {
      this.notBefore = now + wait.ms;
      this.source = wait.source;
    }
  }

  /** How long the next request must wait (0: send now), and which header asked for it. */
  pending(now: number): ServerWait | undefined {
    const ms = this.notBefore - now;
    return ms > 0 && this.source ? { ms, source: this.source } : undefined;
  }
}
