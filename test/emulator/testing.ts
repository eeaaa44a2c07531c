// Small fetch helpers for suites that drive the emulator over real HTTP.
// Kept beside the emulator so every suite talks to it the same way.
import type { Emulator } from './types';

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  json: unknown;
}

export interface CallOptions {
  token?: string;
  /** Serialised as JSON with Content-Type: application/json. */
  body?: unknown;
  /** Sent as-is (with `contentType` if given), for malformed-input tests. */
  rawBody?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function call(baseUrl: string, method: string, path: string, opts: CallOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | Buffer | undefined;
  if (opts.rawBody !== undefined) {
    body = opts.rawBody;
    if (opts.contentType !== undefined) headers['Content-Type'] = opts.contentType;
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = opts.contentType ?? 'application/json';
  }
  if (opts.token !== undefined) headers['Authorization'] = `Bearer ${opts.token}`;
  const init: RequestInit = { method, headers, signal: opts.signal ?? AbortSignal.timeout(15_000) };
  if (body !== undefined) init.body = typeof body === 'string' ? body : new Uint8Array(body);
  const response = await fetch(`${baseUrl}${path}`, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = text.length > 0 ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Reads a property of an untyped JSON value (tests assert on shapes they do not own). */
export function field(value: unknown, ...keys: (string | number)[]): unknown {
  let current: unknown = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

export function str(value: unknown, ...keys: (string | number)[]): string {
  const found = field(value, ...keys);
  if (typeof found !== 'string') throw new Error(`expected a string at ${keys.join('.')}, got ${JSON.stringify(found)}`);
  return found;
}

export function arr(value: unknown, ...keys: (string | number)[]): unknown[] {
  const found = field(value, ...keys);
  if (!Array.isArray(found)) throw new Error(`expected an array at ${keys.join('.')}, got ${JSON.stringify(found)}`);
  return found;
}

export async function agentToken(emulator: Emulator, apiKey?: string): Promise<string> {
  const key = apiKey ?? emulator.demo?.agentKey;
  if (key === undefined) throw new Error('no agent key (start the emulator with seed "demo")');
  const response = await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: key } });
  if (response.status !== 200) throw new Error(`agent-token failed: ${response.status} ${response.text}`);
  return str(response.json, 'access_token');
}

export async function humanToken(emulator: Emulator, apiKey?: string): Promise<string> {
  const key = apiKey ?? emulator.demo?.humanKey;
  if (key === undefined) throw new Error('no human key (start the emulator with seed "demo")');
  const response = await call(emulator.url, 'POST', '/v1/auth/api-key-token', { body: { api_key: key } });
  if (response.status !== 200) throw new Error(`api-key-token failed: ${response.status} ${response.text}`);
  return str(response.json, 'access_token');
}

export function admin(emulator: Emulator, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const opts: CallOptions = { headers: { 'X-Emulator-Admin': emulator.adminToken } };
  if (body !== undefined) opts.body = body;
  return call(emulator.url, method, `/__emulator${path}`, opts);
}

/** Decodes a JWT payload without verifying it. */
export function jwtPayload(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (payload === undefined) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Secret paths from the official list_secrets text ("Found N secret(s):\n- <path>  (type: …)"). */
export function listedSecretPaths(text: string): string[] {
  return text
    .split('\n')
    .map((line) => /^- (\S+) {2}\(type: /.exec(line)?.[1])
    .filter((path): path is string => path !== undefined);
}

/** A raw MCP initialize POST with exactly these headers (to read refusals, 429s and RateLimit-* headers). */
export function mcpInitialize(emulator: Emulator, headers: Record<string, string>): Promise<ApiResponse> {
  const body = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } };
  return call(emulator.url, 'POST', '/mcp', { body, headers: { Accept: 'application/json, text/event-stream', ...headers } });
}
