/**
 * One HTTP exchange over node's http/https (so the editor's proxy support applies), with a
 * hard deadline and a cap on the response size. No retries here; see retry.ts.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { NetworkError, ResponseShapeError, TimeoutError } from './errors';

export interface HttpRequest {
  method: string;
  url: URL;
  /** A credential-free label for errors and logs, e.g. "/v1/vaults/:id/secrets". */
  route: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxResponseBytes: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

export const nodeTransport: Transport = (request) =>
  new Promise<HttpResponse>((resolve, reject) => {
    const lib = request.url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(request.body));

    let settled = false;
    const finish = (err: Error | undefined, response?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (err) reject(err);
      else resolve(response as HttpResponse);
    };

    const req = lib.request(request.url, { method: request.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxResponseBytes) {
          const limitMb = Math.round(request.maxResponseBytes / (1024 * 1024));
          finish(new ResponseShapeError(request.method, request.route, `the body is larger than ${limitMb} MB`));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (err: NodeJS.ErrnoException) => finish(new NetworkError(request.method, request.route, err.code ?? 'connection error')));
      res.on('aborted', () => finish(new NetworkError(request.method, request.route, 'ECONNRESET')));
    });

    const deadline = setTimeout(() => {
      finish(new TimeoutError(request.method, request.route, request.timeoutMs));
      req.destroy();
    }, request.timeoutMs);

    req.on('error', (err: NodeJS.ErrnoException) => finish(new NetworkError(request.method, request.route, err.code ?? 'connection error')));
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
