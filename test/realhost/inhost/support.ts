// Helpers for the suites that run inside the real extension host: the runner's checkpoints (the
// page-side half of a step), the emulator's admin API, bounded waits on the extension's state.
// Everything reaches them through the environment the runner gave the VS Code server; no
// credential is needed or read here except what the emulator's admin API hands out.
import { waitFor as poll } from '../../support/waitFor';
import type { StateKind as ConnectionStateKind } from '../../../src/credentials/state';
import type { EmulatorStats, RequestLogEntry } from '../../emulator/types';
import * as vscode from 'vscode';

export const EXTENSION_ID = '1claw.vscode-1claw';
/** VS Code's id for a provider-contributed MCP server: "<extension id, lower case>/<definition label>". */
export const MCP_SERVER_ID = `${EXTENSION_ID}/1Claw`;

export type StateKind = ConnectionStateKind;

/** The API `activate()` returns (src/editor/services.ts OneClawApi); state only, never a credential. */
export interface OneClawApi {
  readonly state: StateKind;
  readonly vaultId: string | undefined;
  readonly mcpClients: string[];
  onDidChangeState(listener: (kind: StateKind) => void): vscode.Disposable;
}

export function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set in the extension host (the real-host runner sets it)`);
  return value;
}

export async function withTimeout<T>(what: string, promise: PromiseLike<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve(promise),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`gave up after ${Math.round(ms / 1000)} s waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}


async function postJson(url: string, headers: Record<string, string>, method: string, body?: unknown, timeoutMs = 90_000): Promise<{ status: number; json: unknown }> {
  const init: RequestInit = { method, headers: { ...headers }, signal: AbortSignal.timeout(timeoutMs) };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

/** Asks the runner to do the page-side part of a step; throws with the runner's message when that failed. */
export async function checkpoint<T = unknown>(name: string, args: Record<string, unknown> = {}): Promise<T> {
  const { status, json } = await postJson(`${env('ONECLAW_TEST_RUNNER_URL')}/checkpoint`, { 'x-runner-token': env('ONECLAW_TEST_RUNNER_TOKEN') }, 'POST', { name, args });
  const reply = json as { ok?: boolean; result?: T; error?: string } | undefined;
  if (status !== 200 || !reply?.ok) throw new Error(`page checkpoint "${name}" failed: ${reply?.error ?? `HTTP ${status}`}`);
  return reply.result as T;
}

export async function runnerGet<T>(path: string): Promise<T> {
  const { status, json } = await postJson(`${env('ONECLAW_TEST_RUNNER_URL')}${path}`, { 'x-runner-token': env('ONECLAW_TEST_RUNNER_TOKEN') }, 'GET');
  if (status !== 200) throw new Error(`runner GET ${path}: HTTP ${status}`);
  return json as T;
}

/** Sends a mocha event to the runner (best effort: the exit code is what counts). */
export async function report(event: Record<string, unknown>): Promise<void> {
  try {
    await postJson(`${env('ONECLAW_TEST_RUNNER_URL')}/report`, { 'x-runner-token': env('ONECLAW_TEST_RUNNER_TOKEN') }, 'POST', event, 10_000);
  } catch {
    // The runner also gets the exit code and the console; a lost report is not a test failure.
  }
}

/** The emulator's admin API (/__emulator/*). */
export async function admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const { status, json } = await postJson(`${env('ONECLAW_TEST_EMULATOR_URL')}/__emulator${path}`, { 'x-emulator-admin': env('ONECLAW_TEST_EMULATOR_ADMIN') }, method, body, 15_000);
  if (status < 200 || status >= 300) throw new Error(`emulator admin ${method} ${path}: HTTP ${status} ${JSON.stringify(json)}`);
  return json as T;
}

export const AGENT_TOKEN_ROUTE = 'POST /v1/auth/agent-token';

export async function requestLog(): Promise<RequestLogEntry[]> {
  return (await admin<{ requests: RequestLogEntry[] }>('GET', '/requests')).requests;
}

export function stats(): Promise<EmulatorStats> {
  return admin<EmulatorStats>('GET', '/stats');
}

export async function canaries(): Promise<string[]> {
  return (await admin<{ canaries: string[] }>('GET', '/canaries')).canaries;
}

export interface EmulatorSummary {
  vaults: Array<{ id: string; name: string; internal: boolean; secret_paths: string[] }>;
  agents: Array<{ id: string; name: string; is_active: boolean; vault_ids: string[]; token_ttl_seconds: number | null }>;
  policies: Array<{ vaultId: string; secretPathPattern: string; principalId: string; permissions: string[]; effect: string }>;
}

export function emulatorState(): Promise<EmulatorSummary> {
  return admin<EmulatorSummary>('GET', '/state');
}

/** The extension, activated (bounded), and its API. */
export async function activatedApi(): Promise<{ extension: vscode.Extension<OneClawApi>; api: OneClawApi }> {
  const extension = await poll('the 1Claw extension to be installed', () => vscode.extensions.getExtension<OneClawApi>(EXTENSION_ID), 30_000);
  const api = await withTimeout('the 1Claw extension to activate', extension.activate(), 30_000);
  if (!api || typeof api.onDidChangeState !== 'function') throw new Error(`activate() returned ${JSON.stringify(api)} instead of the 1Claw API`);
  return { extension, api };
}

/** Resolves when the extension's state satisfies `accept` (checked now and on every change). */
export function waitForState(api: OneClawApi, accept: (kind: StateKind) => boolean, what: string, timeoutMs: number): Promise<StateKind> {
  if (accept(api.state)) return Promise.resolve(api.state);
  const seen: StateKind[] = [api.state];
  let subscription: vscode.Disposable | undefined;
  const done = new Promise<StateKind>((resolve) => {
    subscription = api.onDidChangeState((kind) => {
      seen.push(kind);
      if (accept(kind)) resolve(kind);
    });
  });
  return withTimeout(`${what} (states seen: ${seen.join(' → ')})`, done, timeoutMs).finally(() => subscription?.dispose());
}

/** Records every state change until disposed. */
export function recordStates(api: OneClawApi): { kinds: Array<{ at: number; kind: StateKind }>; dispose(): void } {
  const kinds: Array<{ at: number; kind: StateKind }> = [];
  const subscription = api.onDidChangeState((kind) => kinds.push({ at: Date.now(), kind }));
  return { kinds, dispose: () => subscription.dispose() };
}

/** Credential shapes that must never show up in text the extension produces. */
export function credentialShapes(text: string): string[] {
  const found: string[] = [];
  if (/\bocv_[A-Za-z0-9_-]{8,}/.test(text)) found.push('an ocv_ agent key');
  if (/\b1ck_[A-Za-z0-9_-]{8,}/.test(text)) found.push('a 1ck_ human key');
  if (/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/.test(text)) found.push('a JWT');
  return found;
}

export function leakedCanaries(text: string, list: readonly string[]): string[] {
  return list.filter((canary) => text.includes(canary)).map((canary) => `${canary.slice(0, 4)}… (${canary.length} chars)`);
}

export { poll };
