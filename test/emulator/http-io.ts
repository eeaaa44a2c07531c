// Low-level request/response helpers: bounded body reading, JSON parsing with
// problem errors, and writers that always set an explicit content type.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, badRequest, problem } from './problems';

/** DOCS request-pipeline: bodies over 5 MB get 413. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** After a 413, discard at most this much more before cutting the connection. */
const MAX_DISCARD_BYTES = 64 * 1024 * 1024;

function tooLarge(): HttpError {
  return new HttpError(413, `Request body exceeds ${MAX_BODY_BYTES} bytes`, { Connection: 'close' });
}

/** Fails fast on a declared Content-Length over the limit, without reading anything. */
export function checkDeclaredLength(req: IncomingMessage): void {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw tooLarge();
}

/**
 * Reads the body, but stops buffering once it passes the limit and rejects
 * with 413 right away. The rest is discarded (bounded) so the client can
 * still read the 413 instead of seeing a reset mid-upload.
 */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  checkDeclaredLength(req);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (settled) {
        if (size > MAX_BODY_BYTES + MAX_DISCARD_BYTES) req.destroy();
        return;
      }
      if (size > MAX_BODY_BYTES) {
        settled = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!settled) {
        settled = true;
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', (error) => {
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
  });
}

export function isJsonContentType(header: string | undefined): boolean {
  const mediaType = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}

/**
 * JSON routes: an empty body is 400 (field-naming happens later), a body that
 * is not declared as JSON is 415, unparsable JSON is 400.
 */
export function parseJsonBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) throw badRequest('Request body is required (JSON object)');
  if (!isJsonContentType(contentType)) {
    throw new HttpError(415, `Content-Type must be application/json (got "${contentType ?? 'none'}")`);
  }
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw badRequest('Request body is not valid JSON');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, contentType = 'application/json', headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const payload = body === undefined ? '' : JSON.stringify(body);
  const allHeaders: Record<string, string | number> = { ...headers, 'Cache-Control': 'no-store' };
  if (status !== 204 && status !== 304) {
    allHeaders['Content-Type'] = contentType;
    allHeaders['Content-Length'] = Buffer.byteLength(payload);
  }
  res.writeHead(status, allHeaders);
  res.end(status === 204 || status === 304 ? undefined : payload);
}

export function sendProblem(res: ServerResponse, error: HttpError): void {
  const body = error.body ?? problem(error.status, error.detail, error.problemType, error.title);
  sendJson(res, error.status, body, 'application/json', error.headers);
}

export function sendRaw(res: ServerResponse, status: number, body: Buffer, contentType: string, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': body.length, 'Cache-Control': 'no-store' });
  res.end(body);
}

/** Any thrown value -> HttpError (unexpected ones become 500 without internals). */
export function toHttpError(error: unknown): HttpError {
  return error instanceof HttpError ? error : new HttpError(500, 'Internal emulator error');
}
