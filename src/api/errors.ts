import { redact } from '../util/redact';

/** Base of every error the extension raises on purpose. Messages are redacted at construction. */
export class OneClawError extends Error {
  constructor(message: string) {
    super(redact(message));
    this.name = new.target.name;
  }
}

export interface ProblemFields {
  status: number;
  title?: string;
  detail?: string;
  retryAfterMs?: number;
  method: string;
  route: string;
}

/** An RFC 7807 problem (or any non-2xx answer) from the 1Claw API. */
export class ApiError extends OneClawError {
  readonly status: number;
  readonly title: string | undefined;
  readonly detail: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly method: string;
  readonly route: string;

  constructor(fields: ProblemFields) {
    const title = serverText(fields.title);
    const detail = serverText(fields.detail);
    super(`1Claw API ${fields.method} ${fields.route} failed: ${fields.status} ${detail || title || httpReason(fields.status)}`);
    this.status = fields.status;
    this.title = title;
    this.detail = detail;
    this.retryAfterMs = fields.retryAfterMs;
    this.method = fields.method;
    this.route = fields.route;
  }

  get isUnauthorized(): boolean {
    return this.status === 401;
  }
  get isForbidden(): boolean {
    return this.status === 403;
  }
  get isNotFound(): boolean {
    return this.status === 404;
  }
  get isRateLimited(): boolean {
    return this.status === 429;
  }
  /** Quota used up or a paid route without payment (x402): never an auth failure, never retried in a loop. */
  get isPaymentRequired(): boolean {
    return this.status === 402;
  }
  get isServerError(): boolean {
    return this.status >= 500;
  }
}

/** The request never produced an HTTP answer: DNS, refused or dropped connection, TLS. */
export class NetworkError extends OneClawError {
  constructor(
    readonly method: string,
    readonly route: string,
    readonly code: string,
  ) {
    super(`Could not reach the 1Claw API (${method} ${route}): ${code}`);
  }
}

export class TimeoutError extends OneClawError {
  constructor(
    readonly method: string,
    readonly route: string,
    readonly timeoutMs: number,
  ) {
    super(`The 1Claw API did not answer ${method} ${route} within ${Math.round(timeoutMs / 1000)} s`);
  }
}

/** The API answered 2xx with a body that does not have the shape the contract promises. */
export class ResponseShapeError extends OneClawError {
  constructor(
    readonly method: string,
    readonly route: string,
    problem: string,
  ) {
    super(`The 1Claw API answered ${method} ${route} with an unexpected body: ${problem}`);
  }
}

/** True for failures worth retrying later: no answer, timeouts, 5xx and 429. */
export function isTransient(err: unknown): boolean {
  if (err instanceof NetworkError || err instanceof TimeoutError) return true;
  if (err instanceof ApiError) return err.isServerError || err.isRateLimited;
  return false;
}

/**
 * The token itself is stale, so a fresh one may succeed: a 401, or a 403 whose detail says the
 * token was revoked or its scopes are stale (a policy change revokes an agent's live tokens; the
 * platform does not document which status follows, and the official MCP client re-exchanges on
 * exactly these texts).
 */
export function isStaleTokenError(err: unknown): err is ApiError {
  if (!(err instanceof ApiError)) return false;
  if (err.isUnauthorized) return true;
  const detail = `${err.detail ?? ''} ${err.title ?? ''}`.toLowerCase();
  return err.isForbidden && (detail.includes('token has been revoked') || detail.includes('no scopes') || detail.includes('scopes do not cover'));
}

/** The server's words, redacted, then cut: an answer of megabytes must not become a log line or a notification. */
const MAX_SERVER_TEXT = 500;
function serverText(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  // Bounded work first (the body may be megabytes); what is cut there lies beyond what is kept.
  const clean = redact(text.length > 16 * MAX_SERVER_TEXT ? text.slice(0, 16 * MAX_SERVER_TEXT) : text);
  return clean.length > MAX_SERVER_TEXT ? `${clean.slice(0, MAX_SERVER_TEXT)}…` : clean;
}

function httpReason(status: number): string {
  const reasons: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    402: 'Payment Required',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    410: 'Gone',
    413: 'Payload Too Large',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return reasons[status] ?? 'HTTP error';
}
