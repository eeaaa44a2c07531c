// Route table matching. Templates are the OpenAPI ones, so request-log
// entries and stats keys read like the spec ("GET /v1/vaults/{vault_id}").
// A trailing `{path}` parameter is the secret-path wildcard: it takes every
// remaining segment, each percent-decoded on its own.
import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from './auth';
import type { RateLimits } from './limits';
import { decodeSegments } from './paths';
import { badRequest } from './problems';
import type { EmulatorState } from './state';
import { isUuid } from './validate';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestContext {
  state: EmulatorState;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Set for routes with auth: true. */
  principal: Principal | undefined;
  /** Parsed JSON for routes with body: 'json'; undefined otherwise. */
  body: unknown;
  /** The client IP the limits key on (see clientIp). */
  ip: string;
  limits: RateLimits;
}

export interface Reply {
  status: number;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RouteDef {
  method: Method;
  template: string;
  /** Bearer required (401 otherwise). */
  auth: boolean;
  /** 'json': a JSON object body is required (415/400 otherwise); 'none': any body is ignored. */
  body: 'json' | 'none';
  handle(ctx: RequestContext): Reply;
}

export interface RouteMatch {
  route: RouteDef;
  params: Record<string, string>;
}

/**
 * The "public auth routes" of the documented 1/s burst-5 limit: the public /v1/auth/* routes
 * (key exchanges, refresh, device codes) and the public enrolment; not the public-key fetch.
 */
export function isAuthRoute(route: RouteDef): boolean {
  if (route.auth) return false;
  return (route.template.startsWith('/v1/auth/') && route.template !== '/v1/auth/jwt-public-key') || route.template === '/v1/agents/enroll';
}

/** "METHOD /template", the key used by the request log and stats. */
export function routeKey(route: RouteDef): string {
  return `${route.method} ${route.template}`;
}

function matchTemplate(template: string, rawSegments: readonly string[]): Record<string, string> | undefined {
  const parts = template.split('/').slice(1);
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i] ?? '';
    const paramName = /^\{(\w+)\}$/.exec(part)?.[1];
    if (paramName === 'path' && i === parts.length - 1) {
      const rest = rawSegments.slice(i);
      if (rest.length === 0 || (rest.length === 1 && rest[0] === '')) return undefined;
      params[paramName] = rest.join('/');
      return params;
    }
    const segment = rawSegments[i];
    if (segment === undefined) return undefined;
    if (paramName !== undefined) {
      if (segment === '') return undefined;
      params[paramName] = segment;
    } else if (part !== segment) {
      return undefined;
    }
  }
  return rawSegments.length === parts.length ? params : undefined;
}

export type Lookup = { kind: 'found'; match: RouteMatch } | { kind: 'method-not-allowed'; allow: string[] } | { kind: 'not-found' };

export function lookup(routes: readonly RouteDef[], method: string, pathname: string): Lookup {
  const rawSegments = pathname.split('/').slice(1);
  const allow: string[] = [];
  for (const route of routes) {
    const params = matchTemplate(route.template, rawSegments);
    if (params === undefined) continue;
    if (route.method === method) return { kind: 'found', match: { route, params } };
    allow.push(route.method);
  }
  return allow.length > 0 ? { kind: 'method-not-allowed', allow: [...new Set(allow)] } : { kind: 'not-found' };
}

/** Decodes raw params; `*_id` params must be UUIDs (400 naming the parameter). */
export function decodeParams(raw: Record<string, string>): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'path') {
      decoded[name] = decodeSegments(value.split('/'));
      continue;
    }
    let text: string;
    try {
      text = decodeURIComponent(value);
    } catch {
      throw badRequest(`Path parameter '${name}' is not valid percent-encoding`);
    }
    if (name.endsWith('_id') && !isUuid(text)) throw badRequest(`Path parameter '${name}' must be a UUID`);
    decoded[name] = text;
  }
  return decoded;
}

/** The authenticated principal of an auth: true route. */
export function principalOf(ctx: RequestContext): Principal {
  if (ctx.principal === undefined) throw new Error('principalOf() used on a route without auth');
  return ctx.principal;
}
