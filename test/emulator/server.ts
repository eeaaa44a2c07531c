// The HTTP pipeline: admin split-off -> route lookup -> counters -> rate
// limits (when on) -> faults (before auth) -> body limit -> auth -> quota
// headers and the paid-route charge (when a quota is set) -> params/body ->
// handler. Every error leaves as a problem body (the MCP server's 429 and the
// x402 402 have their own); every API request leaves one request-log entry.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN_PREFIX, type AdminApi } from './admin';
import { authenticate, peekPrincipal, principalLabel } from './auth';
import { faultAction, type ActiveFault, type FaultTable } from './faults';
import { clientIp, type RateLimits } from './limits';
import { checkDeclaredLength, parseJsonBody, readBody, sendJson, sendProblem, sendRaw, toHttpError } from './http-io';
import type { McpEndpoint } from './mcp';
import { HttpError, problem } from './problems';
import { decodeParams, isAuthRoute, lookup, routeKey, type RouteDef, type RouteMatch } from './router';
import type { EmulatorState } from './state';
import type { Telemetry } from './stats';
import type { RequestLogEntry } from './types';

export const MCP_PATH = '/mcp';

export interface ServerDeps {
  state: EmulatorState;
  telemetry: Telemetry;
  faults: FaultTable;
  mcp: McpEndpoint;
  limits: RateLimits;
  routes: readonly RouteDef[];
  log: ((line: string) => void) | undefined;
}

export class ApiServer {
  private readonly http: Server;
  private admin: AdminApi | undefined;
  /** Pending fault delays, cut short by close() so nothing outlives the emulator. */
  private readonly pendingDelays = new Set<() => void>();
  private closing = false;

  constructor(private readonly deps: ServerDeps) {
    this.http = createServer((req, res) => {
      void this.handle(req, res);
    });
  }

  setAdmin(admin: AdminApi): void {
    this.admin = admin;
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      // Loopback only: the emulator holds canary credentials and must not be reachable from elsewhere.
      this.http.listen(port, '127.0.0.1', () => {
        this.http.off('error', reject);
        resolve((this.http.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    this.closing = true;
    for (const wake of [...this.pendingDelays]) wake();
    return new Promise((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    // Split by hand: new URL() would read "//x" as a host name.
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const pathname = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    const query = queryAt < 0 ? '' : rawUrl.slice(queryAt + 1);

    if (pathname === ADMIN_PREFIX || pathname.startsWith(`${ADMIN_PREFIX}/`)) {
      if (this.admin === undefined) sendProblem(res, new HttpError(503, 'Emulator is starting'));
      else await this.admin.handle(req, res, pathname);
      return;
    }

    const found = pathname === MCP_PATH ? undefined : lookup(this.deps.routes, method, pathname);
    const route = pathname === MCP_PATH ? `${method} ${MCP_PATH}` : found?.kind === 'found' ? routeKey(found.match.route) : '';
    this.deps.telemetry.countRequest(route);
    const entry: RequestLogEntry = { at: Date.now(), method, path: pathname, query, route, status: 0, principal: 'anonymous' };
    res.once('close', () => this.finish(entry, res));

    const ip = clientIp(req.headers, req.socket.remoteAddress);
    if (this.rateLimited(res, ip, pathname === MCP_PATH, found?.kind === 'found' ? found.match.route : undefined)) return;

    const fault = this.deps.faults.take(method, pathname);
    if (fault !== undefined) {
      entry.fault = fault.id;
      entry.principal = peekPrincipal(this.deps.state, req.headers['authorization']);
      if (await this.applyFault(fault, req, res)) return;
    }

    try {
      if (pathname === MCP_PATH) {
        await this.serveMcp(req, res, entry, method);
      } else if (found?.kind === 'found') {
        await this.serveApi(req, res, entry, found.match, ip);
      } else if (found?.kind === 'method-not-allowed') {
        throw new HttpError(405, `Method ${method} is not allowed on ${pathname}`, { Allow: found.allow.join(', ') });
      } else {
        throw new HttpError(404, `No route for ${method} ${pathname}`);
      }
    } catch (error) {
      const httpError = toHttpError(error);
      if (httpError.status === 500) this.deps.log?.(`emulator error on ${method} ${pathname}: ${String(error)}`);
      sendProblem(res, httpError);
    }
  }

  /** Answers 429 (true) when a limit refuses the request; sets the MCP RateLimit-* headers otherwise. */
  private rateLimited(res: ServerResponse, ip: string, mcp: boolean, route: RouteDef | undefined): boolean {
    const { limits, state, telemetry } = this.deps;
    if (!limits.enabled) return false;
    if (mcp) {
      const window = limits.admitMcp(ip, state.nowMs());
      for (const [name, value] of Object.entries(window.headers)) res.setHeader(name, value);
      if (window.ok) return false;
      telemetry.countRateLimited();
      // The hosted server's own body: plain JSON, not RFC 7807, no Retry-After (1claw-mcp@3ff8ff1).
      sendJson(res, 429, { error: 'Too many requests, please try again later.' });
      return true;
    }
    const admitted = limits.admitApi(ip, route !== undefined && isAuthRoute(route));
    if (admitted.ok) return false;
    telemetry.countRateLimited();
    sendProblem(res, new HttpError(429, 'Rate limit exceeded; retry after the Retry-After delay', { 'Retry-After': String(admitted.retryAfterSeconds) }));
    return true;
  }

  private async serveApi(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, match: RouteMatch, ip: string): Promise<void> {
    const { state, limits } = this.deps;
    const route = match.route;
    checkDeclaredLength(req);
    const principal = route.auth ? authenticate(state, req.headers['authorization']) : undefined;
    entry.principal = principalLabel(principal);
    if (principal !== undefined && state.quota.enabled) {
      const payment = req.headers['x-payment'];
      // The 402 carries its own copy of the headers; every other answer gets them here.
      state.quota.charge(routeKey(route), `${state.publicUrl}${entry.path}`, Array.isArray(payment) ? payment[0] : payment);
      for (const [name, value] of Object.entries(state.quota.headers())) res.setHeader(name, value);
    }
    const params = decodeParams(match.params);
    const body = route.body === 'json' ? parseJsonBody(await readBody(req), req.headers['content-type']) : undefined;
    const rawQuery = entry.query;
    const reply = route.handle({ state, params, query: new URLSearchParams(rawQuery), headers: req.headers, principal, body, ip, limits });
    sendJson(res, reply.status, reply.body, reply.contentType, reply.headers);
  }

  private async serveMcp(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, method: string): Promise<void> {
    // Stateless server: no standalone SSE stream (GET) and no sessions to DELETE.
    if (method !== 'POST') throw new HttpError(405, 'This MCP endpoint is stateless: use POST', { Allow: 'POST' });
    checkDeclaredLength(req);
    const session = this.deps.mcp.admit(req.headers);
    entry.principal = `agent:${session.agentId}`;
    const parsed = parseJsonBody(await readBody(req), req.headers['content-type']);
    await this.deps.mcp.serve(req, res, parsed, session);
  }

  /** Returns true when the fault answered (or dropped) the request. */
  private async applyFault(fault: ActiveFault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const spec = fault.spec;
    if (spec.delayMs !== undefined && spec.delayMs > 0) await this.delay(spec.delayMs);
    if (this.closing) {
      req.socket.destroy();
      return true;
    }
    const action = faultAction(spec);
    if (action.kind === 'pass') return false;
    if (action.kind === 'drop') {
      req.socket.destroy();
      return true;
    }
    const headers: Record<string, string> = {};
    if (spec.retryAfterSeconds !== undefined) headers['Retry-After'] = String(spec.retryAfterSeconds);
    if (spec.bodyBase64 !== undefined || spec.body !== undefined) {
      const bytes = spec.bodyBase64 !== undefined ? Buffer.from(spec.bodyBase64, 'base64') : Buffer.from(spec.body ?? '', 'utf8');
      sendRaw(res, action.status, bytes, spec.contentType ?? 'application/json', headers);
    } else {
      sendJson(res, action.status, problem(action.status, `Injected fault ${fault.id}`), spec.contentType ?? 'application/json', headers);
    }
    return true;
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.pendingDelays.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.pendingDelays.add(wake);
    });
  }

  private finish(entry: RequestLogEntry, res: ServerResponse): void {
    entry.status = res.headersSent ? res.statusCode : 0;
    this.deps.telemetry.append(entry);
    const fault = entry.fault === undefined ? '' : ` [${entry.fault}]`;
    this.deps.log?.(`${entry.method} ${entry.path} ${entry.status === 0 ? 'dropped' : entry.status}${fault} ${Date.now() - entry.at}ms`);
  }
}
