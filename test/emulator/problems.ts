// RFC 7807 problem bodies. Every error the emulator sends goes through here,
// so clients see one shape: {type, title, status, detail}, served as
// application/json (the spec declares errors as application/json, not
// application/problem+json).
import { STATUS_CODES } from 'node:http';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
}

/** Thrown by handlers; the server turns it into a problem response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
    readonly problemType = 'about:blank',
    /** A body other than the problem (402 x402, the MCP server's plain 429, JSON-RPC errors). */
    readonly body?: unknown,
    readonly title?: string,
  ) {
    super(`${status} ${detail}`);
  }
}

export function problem(status: number, detail: string, type = 'about:blank', title?: string): ProblemBody {
  return { type, title: title ?? STATUS_CODES[status] ?? 'Error', status, detail };
}

/** DOCS error-codes / billing-and-usage: 403 for a tier limit, with its own type and title. */
export function resourceLimit(detail: string): HttpError {
  return new HttpError(403, detail, {}, 'resource_limit_exceeded', undefined, 'Resource Limit Exceeded');
}

export const badRequest = (detail: string): HttpError => new HttpError(400, detail);
export const unauthorized = (detail: string): HttpError => new HttpError(401, detail);
export const forbidden = (detail: string): HttpError => new HttpError(403, detail);
export const notFound = (detail: string): HttpError => new HttpError(404, detail);
export const conflict = (detail: string): HttpError => new HttpError(409, detail);
export const gone = (detail: string): HttpError => new HttpError(410, detail);
