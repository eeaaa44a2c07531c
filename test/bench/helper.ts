/**
 * Bench rows for Claude Code's headers helper: an 8-hour session with 1-hour tokens in which
 * Claude Code connects 40 times, with no editor running (the helper alone). Each connection runs
 * the real wrapper (sh → cache, or → node + the oneclaw bundle) as a child process; the session's
 * clock is simulated by setting the cached token's remaining life before each connection (what
 * the token would have left at that moment of the session), so the helper decides exactly as it
 * would eight hours long, while the wall time measured is real.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { OneClawClient } from '../../src/api/client';
import { serialiseAgentFile } from '../../src/credentials/agentRecord';
import { readTokenCache, writeTokenCache } from '../../src/credentials/tokenCache';
import { ClaudeCodeRegistrar } from '../../src/mcp/clients/claudeCode';
import { readRegistration, type HelperRegistration } from '../../src/mcp/helper/registration';
import { silentLogger } from '../../src/util/log';
import { startEmulator, type Emulator } from '../emulator';
import { cliBundle } from '../support/fakeContext';

export interface HelperBench {
  connections: number;
  exchanges: number;
  fromCacheMs: number[];
  exchangingMs: number[];
  failures: number;
}

const HOUR = 3_600;

function runWrapper(wrapper: string, env: Record<string, string>): Promise<{ ms: number; ok: boolean }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', wrapper], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, ok: code === 0 && out.startsWith('{"Authorization":"Bearer ') });
    });
  });
}

/** The demo agent's key in ~/.1claw/agent.json and Claude Code's helper registered, as the extension or the module would (Node from PATH). */
async function registeredHelper(emulator: Emulator, home: string): Promise<{ registration: HelperRegistration; wrapper: string; env: Record<string, string> }> {
  const demo = emulator.demo!;
  await fs.mkdir(path.join(home, '.1claw'), { mode: 0o700 });
  const keyFile = path.join(home, '.1claw', 'agent.json');
  await fs.writeFile(keyFile, serialiseAgentFile({ agentKey: demo.agentKey, vaultId: demo.vaultId }), { mode: 0o600 });
  const registrar = new ClaudeCodeRegistrar({ env: { PATH: process.env.PATH }, home, serverName: '1claw', style: 'fresh', cliSource: cliBundle, logger: silentLogger, claudeBinary: null });
  const result = await registrar.register({ url: emulator.mcpUrl, apiBaseUrl: emulator.url, vaultId: demo.vaultId, agentKey: demo.agentKey, agentKeyFromEnv: false, keyFile });
  if (!result.ok) throw new Error(result.detail);
  return {
    registration: await readRegistration(path.join(home, '.1claw', 'mcp-helper-1claw.json')),
    wrapper: path.join(home, '.1claw', 'bin', 'oneclaw-mcp-headers-1claw'),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, CLAUDE_CODE_MCP_SERVER_URL: emulator.mcpUrl },
  };
}

/** 40 connections spread over 8 hours (seeded jitter around even spacing). */
function connectionTimes(count: number, sessionSeconds: number): number[] {
  let seed = 0x1c1a;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const step = sessionSeconds / count;
  return Array.from({ length: count }, (_, i) => Math.floor(i * step + random() * step * 0.8));
}

export async function benchHelperSession(): Promise<HelperBench> {
  const emulator = await startEmulator({ seed: 'demo', agentTokenTtlSeconds: HOUR });
  const home = mkdtempSync(path.join(os.tmpdir(), 'oneclaw-bench-helper-'));
  try {
    const { registration, wrapper, env } = await registeredHelper(emulator, home);
    const bench: HelperBench = { connections: 0, exchanges: 0, fromCacheMs: [], exchangingMs: [], failures: 0 };
    let tokenExpiresAt: number | undefined; // session time, seconds
    for (const at of connectionTimes(40, 8 * HOUR)) {
      const cached = await readTokenCache(registration.token_cache);
      if (cached && tokenExpiresAt !== undefined) {
        // The token has (expiry - now) seconds left at this moment of the session.
        await writeTokenCache(registration.token_cache, { ...cached, expiresAtSeconds: Math.floor(Date.now() / 1000) + (tokenExpiresAt - at) });
      }
      const before = emulator.stats().agentTokenExchanges;
      const run = await runWrapper(wrapper, env);
      const exchanged = emulator.stats().agentTokenExchanges - before;
      bench.connections++;
      bench.exchanges += exchanged;
      if (!run.ok) bench.failures++;
      if (exchanged > 0) {
        tokenExpiresAt = at + HOUR;
        bench.exchangingMs.push(run.ms);
      } else bench.fromCacheMs.push(run.ms);
    }
    return bench;
  } finally {
    await emulator.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * A policy change revokes the agent's live tokens while no editor runs: Claude Code's connection
 * gets a 401 with the cached token and re-runs the helper at once. Counts the exchanges of that
 * re-run and of a burst of connections right after it (goal: exactly one in all).
 */
export async function benchHelperRefusal(): Promise<{ exchanges: number; freshAfterRefusal: boolean }> {
  const emulator = await startEmulator({ seed: 'demo', agentTokenTtlSeconds: HOUR });
  const home = mkdtempSync(path.join(os.tmpdir(), 'oneclaw-bench-refusal-'));
  try {
    const demo = emulator.demo!;
    const { registration, wrapper, env } = await registeredHelper(emulator, home);
    await runWrapper(wrapper, env); // the session's first connection: one exchange
    // Twenty minutes later (the token's age), a policy change revokes it; the next connection is refused.
    const then = new Date(Date.now() - 20 * 60_000);
    await fs.utimes(registration.token_cache, then, then);
    const human = (await new OneClawClient({ baseUrl: emulator.url }).exchangeHumanKey(demo.humanKey)).access_token;
    await new OneClawClient({ baseUrl: emulator.url }).createPolicy(human, demo.sharedVaultId, { secret_path_pattern: 'ops/**', principal_type: 'agent', principal_id: demo.agentId, permissions: ['read'] });
    const before = emulator.stats().agentTokenExchanges;
    await runWrapper(wrapper, env); // the refused connection (cached token)
    const retry = await runWrapper(wrapper, env); // Claude Code's re-run after the 401
    for (let i = 0; i < 5; i++) await runWrapper(wrapper, env); // a burst of connections right after
    const cached = await readTokenCache(registration.token_cache);
    const token = cached ? String((JSON.parse(cached.headersLine) as { Authorization: string }).Authorization).replace(/^Bearer /, '') : '';
    return { exchanges: emulator.stats().agentTokenExchanges - before, freshAfterRefusal: retry.ok && !emulator.isTokenRevoked(token) };
  } finally {
    await emulator.close();
    rmSync(home, { recursive: true, force: true });
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
