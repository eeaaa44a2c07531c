// 1Claw's rate limits, per client IP: token buckets for the API (auth routes
// and the global limit), the hosted MCP server's fixed 60-second window, and
// the per-email enrolment cooldown. Buckets run on real time, scaled by
// timeScale; Retry-After and RateLimit-Reset are in the service's own
// (unscaled) seconds (see LimitsOptions).
import type { IncomingHttpHeaders } from 'node:http';
import { badRequest } from './problems';
import type { BucketLimit, LimitsOptions } from './types';

/** The documented limits (contract §12.1, §12.3, §9). */
export const DOCUMENTED_LIMITS: Required<Omit<LimitsOptions, 'timeScale'>> = {
  auth: { ratePerSec: 1, burst: 5 },
  global: { ratePerSec: 100, burst: 200 },
  mcp: { perMinute: 60 },
  enrollPerEmail: { perSeconds: 600 },
};

/** Keeps the per-IP tables bounded in a long-running demo. */
const MAX_KEYS = 10_000;

export type Admission = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

class BucketTable {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: BucketLimit,
    private readonly scale: number,
  ) {}

  take(key: string, nowMs: number): Admission {
    const rate = this.limit.ratePerSec * this.scale;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_KEYS) this.buckets.clear();
      bucket = { tokens: this.limit.burst, at: nowMs };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * rate);
    bucket.at = nowMs;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    // Unscaled seconds until one token is back (at least 1: Retry-After is whole seconds).
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.ratePerSec)) };
  }
}

export interface McpWindow {
  ok: boolean;
  headers: Record<string, string>;
}

export class RateLimits {
  private options: LimitsOptions | undefined;
  private auth: BucketTable | undefined;
  private global: BucketTable | undefined;
  private readonly mcpWindows = new Map<string, { count: number; resetAt: number }>();
  private readonly enrolments = new Map<string, number>();

  constructor(private readonly clock: () => number = Date.now) {}

  configure(limits: LimitsOptions | boolean | undefined): void {
    const options = limits === true ? { ...DOCUMENTED_LIMITS } : limits === false || limits === undefined ? undefined : limits;
    if (options !== undefined) validate(options);
    this.options = options;
    const scale = options?.timeScale ?? 1;
    this.auth = options?.auth === undefined ? undefined : new BucketTable(options.auth, scale);
    this.global = options?.global === undefined ? undefined : new BucketTable(options.global, scale);
    this.mcpWindows.clear();
    this.enrolments.clear();
  }

  current(): LimitsOptions | undefined {
    return this.options === undefined ? undefined : structuredClone(this.options);
  }

  get enabled(): boolean {
    return this.options !== undefined;
  }

  private get scale(): number {
    return this.options?.timeScale ?? 1;
  }

  /** The global bucket first (every request), then the auth bucket for public auth routes. */
  admitApi(ip: string, authRoute: boolean): Admission {
    const now = this.clock();
    const global = this.global?.take(ip, now) ?? { ok: true };
    if (!global.ok || !authRoute) return global;
    return this.auth?.take(ip, now) ?? { ok: true };
  }

  /** Fixed window like the hosted server; `headers` go on every /mcp response while the limit is on. */
  admitMcp(ip: string, serverNowMs: number): McpWindow {
    const max = this.options?.mcp?.perMinute;
    if (max === undefined) return { ok: true, headers: {} };
    const now = this.clock();
    let window = this.mcpWindows.get(ip);
    if (window === undefined || now >= window.resetAt) {
      if (this.mcpWindows.size >= MAX_KEYS) this.mcpWindows.clear();
      window = { count: 0, resetAt: now + 60_000 / this.scale };
      this.mcpWindows.set(ip, window);
    }
    window.count += 1;
    const resetEpoch = Math.ceil((serverNowMs + (window.resetAt - now) * this.scale) / 1000);
    const headers = {
      'RateLimit-Limit': String(max),
      'RateLimit-Remaining': String(Math.max(0, max - window.count)),
      'RateLimit-Reset': String(resetEpoch),
    };
    return { ok: window.count <= max, headers };
  }

  /** One enrolment per email per period (only while limits are on). */
  admitEnrolment(email: string): Admission {
    const period = this.options?.enrollPerEmail?.perSeconds;
    if (period === undefined) return { ok: true };
    const now = this.clock();
    const key = email.toLowerCase();
    const last = this.enrolments.get(key);
    const periodMs = (period * 1000) / this.scale;
    if (last !== undefined && now - last < periodMs) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(((periodMs - (now - last)) * this.scale) / 1000)) };
    }
    if (this.enrolments.size >= MAX_KEYS) this.enrolments.clear();
    this.enrolments.set(key, now);
    return { ok: true };
  }
}

function validate(options: LimitsOptions): void {
  const positive = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value > 0;
  for (const name of ['auth', 'global'] as const) {
    const bucket = options[name];
    if (bucket !== undefined && (!positive(bucket.ratePerSec) || !positive(bucket.burst) || !Number.isInteger(bucket.burst))) {
      throw badRequest(`limits.${name} needs a positive ratePerSec and a positive integer burst`);
    }
  }
  if (options.mcp !== undefined && (!positive(options.mcp.perMinute) || !Number.isInteger(options.mcp.perMinute))) throw badRequest('limits.mcp.perMinute must be a positive integer');
  if (options.enrollPerEmail !== undefined && !positive(options.enrollPerEmail.perSeconds)) throw badRequest('limits.enrollPerEmail.perSeconds must be positive');
  if (options.timeScale !== undefined && (!positive(options.timeScale) || options.timeScale > 10_000)) throw badRequest('limits.timeScale must be in (0, 10000]');
}

/**
 * The client's IP as the hosted MCP server reads it: the rightmost X-Forwarded-For entry, else
 * X-Real-IP, else the socket. The emulator listens on loopback only, so these headers are how a
 * test simulates many clients (or one Coder provisioner for a whole fleet).
 */
export function clientIp(headers: IncomingHttpHeaders, socketAddress: string | undefined): string {
  const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value.at(-1) : value);
  const forwarded = single(headers['x-forwarded-for'])?.split(',').pop()?.trim();
  if (forwarded) return forwarded;
  const real = single(headers['x-real-ip'])?.trim();
  if (real) return real;
  return socketAddress ?? 'unknown';
}
