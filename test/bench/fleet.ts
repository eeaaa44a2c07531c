/**
 * Fleet bench (issue 14): N workspaces provisioned at once in Terraform-native mode, as when a
 * template change rebuilds a fleet, against the emulator with 1Claw's documented rate limits.
 * Each workspace runs the real provisioning script (terraform/scripts/provision.sh) step by step
 * as its Terraform would (discover, vault, agent, policy), this file decoding each step's result
 * between steps as Terraform does; real `terraform` ×200 is too heavy for the machine.
 *
 * All requests come from one IP (a Coder provisioner), so the global bucket (100/s, burst 200)
 * bounds the fleet: makespan >= (admitted requests - burst) / rate. The limits are time-scaled
 * (timeScale k: rates × k) so that the rate limit, not this machine's 2 cores spawning
 * processes, is what binds; the script's sleeps are scaled by 1/k to match (Retry-After stays in
 * the service's unscaled seconds). A small proxy in front of the emulator tells the workspaces
 * apart (a path prefix it strips) without changing their IP, to see each one's attempts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../emulator';
import { repoRoot } from '../support/fakeContext';

const SCRIPT = path.join(repoRoot, 'terraform', 'scripts', 'provision.sh');
const GLOBAL = { ratePerSec: 100, burst: 200 };

export interface FleetResult {
  workspaces: number;
  timeScale: number;
  failures: number;
  failureLines: string[];
  makespanS: number;
  lowerBoundS: number;
  admitted: number;
  rejected429: number;
  /** Seconds between the first and the last workspace's first request (all start together). */
  firstAttemptSpreadS: number;
  /** Calls to /v1/auth/* (rate-limited at 1/s): none, the 1ck_ key is the Bearer. */
  authCalls: number;
  /** Workspaces that were told to wait (429) at least once. */
  retried: number;
  /** Largest share of first retries that fell in any window of 100 ms (unscaled). */
  retryPeakShare: number;
  /** p10 / p90 of the first retry's delay after its 429, in unscaled seconds. */
  retryDelayP10S: number;
  retryDelayP90S: number;
}

interface Attempt {
  at: number;
  status: number;
  path: string;
}

/** Strips /w/<n> and forwards on the same host; records each workspace's attempts. */
class FleetProxy {
  readonly attempts = new Map<number, Attempt[]>();
  url = '';
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly server = http.createServer((req, res) => {
    const match = /^\/w\/(\d+)(\/.*)$/.exec(req.url ?? '');
    if (match === null) {
      res.writeHead(404).end();
      return;
    }
    const ws = Number(match[1]);
    const at = performance.now();
    const upstream = http.request(`${this.upstream}${match[2] ?? '/'}`, { method: req.method, headers: req.headers, agent: this.agent }, (answer) => {
      const list = this.attempts.get(ws) ?? [];
      list.push({ at, status: answer.statusCode ?? 0, path: match[2] ?? '' });
      this.attempts.set(ws, list);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });

  constructor(private readonly upstream: string) {}

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.agent.destroy();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function runStep(step: string, env: NodeJS.ProcessEnv): Promise<{ ok: boolean; result: Record<string, unknown>; log: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', [SCRIPT, step], { env, stdio: 'ignore' });
    child.on('close', () => {
      const dir = String(env['ONECLAW_DIR']);
      const read = (name: string): string => {
        try {
          return readFileSync(path.join(dir, name), 'utf8');
        } catch {
          return '';
        }
      };
      const status = read(`${step}.status`).trim();
      let result: Record<string, unknown> = {};
      try {
        result = JSON.parse(read(`${step}.json`)) as Record<string, unknown>;
      } catch {
        // no result: the step failed
      }
      resolve({ ok: status === '0', result, log: read(`${step}.log`) });
    });
  });
}

/** One workspace, as its `terraform apply` would run it; returns a failure line or ''. */
async function provision(ws: number, base: NodeJS.ProcessEnv, root: string): Promise<string> {
  const owner = `user${ws}`;
  const marker = `(oneclaw-instance:coder-workspace:fleet-${ws})`;
  const name = `coder-${owner}-ws`;
  const env = { ...base, ONECLAW_DIR: path.join(root, `ws-${ws}`), ONECLAW_BASE_URL: `${String(base['ONECLAW_BASE_URL'])}/w/${ws}` };
  const discover = await runStep('discover', env);
  if (!discover.ok) return `workspace ${ws} discover: ${discover.log.trim()}`;
  const vaults = ((discover.result['vaults'] as { vaults?: { id: string; name: string }[] } | null)?.vaults ?? []).filter((v) => v.name === name);
  const vault = await runStep('vault', { ...env, ONECLAW_FOUND_VAULT_ID: vaults[0]?.id ?? '', ONECLAW_BODY: JSON.stringify({ name, description: `Created by the 1Claw Coder module ${marker} (oneclaw-run:%%ONECLAW_NONCE%%)` }) });
  const vr = vault.result as { kind?: string; id?: string; nonce?: string; body?: { id?: string; vaults?: { id: string; name: string; description?: string }[] } };
  const vaultId = vr.kind === 'found' ? vr.id : vr.kind === 'created' ? vr.body?.id : (vr.body?.vaults ?? []).find((v) => v.description?.includes(`oneclaw-run:${vr.nonce ?? '-'}`) || v.name === name)?.id;
  if (!vault.ok || vaultId === undefined) return `workspace ${ws} vault: ${vault.log.trim()}`;
  const agent = await runStep('agent', { ...env, ONECLAW_BODY: JSON.stringify({ name, description: `Coder workspace ${owner}/ws ${marker} (oneclaw-run:%%ONECLAW_NONCE%%)`, vault_ids: [vaultId], skip_default_policy: true, token_ttl_seconds: 28800 }) });
  const agentId = (agent.result as { created?: { agent?: { id?: string } } }).created?.agent?.id;
  if (!agent.ok || agentId === undefined) return `workspace ${ws} agent: ${agent.log.trim()}`;
  const policy = await runStep('policy', { ...env, ONECLAW_VAULT_ID: vaultId, ONECLAW_AGENT_ID: agentId, ONECLAW_BODY: JSON.stringify({ secret_path_pattern: 'coder/**', principal_type: 'agent', principal_id: agentId, permissions: ['read'] }) });
  return policy.ok ? '' : `workspace ${ws} policy: ${policy.log.trim()}`;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function runFleet(workspaces = 200, timeScale = 0.1): Promise<FleetResult> {
  const emulator: Emulator = await startEmulator({ seed: 'demo', limits: { global: GLOBAL, auth: { ratePerSec: 1, burst: 5 }, timeScale } });
  const proxy = new FleetProxy(emulator.url);
  await proxy.start();
  const root = mkdtempSync(path.join(os.tmpdir(), 'oneclaw-bench-fleet-'));
  try {
    const base: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      TMPDIR: root,
      ONECLAW_BASE_URL: proxy.url,
      ONECLAW_API_KEY: emulator.demo?.humanKey,
      ONECLAW_RETRY_BUDGET_SECONDS: '600',
      ONECLAW_SLEEP_PERCENT: String(Math.round(100 / timeScale)),
    };
    const started = performance.now();
    const outcomes = await Promise.all(Array.from({ length: workspaces }, (_, ws) => provision(ws, base, root)));
    const makespanS = (performance.now() - started) / 1000;
    const all = [...proxy.attempts.values()].flat();
    const admitted = all.filter((a) => a.status !== 429).length;
    const firsts = [...proxy.attempts.values()].map((list) => list[0]?.at ?? 0);
    const retries: { at: number; delay: number }[] = [];
    for (const list of proxy.attempts.values()) {
      const index = list.findIndex((a) => a.status === 429);
      const next = index >= 0 ? list[index + 1] : undefined;
      if (next !== undefined) retries.push({ at: next.at, delay: (next.at - (list[index]?.at ?? 0)) / 1000 });
    }
    // Unscaled: a window of 100 ms of the real service is 100/k ms here.
    const windowMs = 100 / timeScale;
    let peak = 0;
    const times = retries.map((r) => r.at).sort((a, b) => a - b);
    for (let i = 0, j = 0; i < times.length; i += 1) {
      while ((times[i] ?? 0) - (times[j] ?? 0) > windowMs) j += 1;
      peak = Math.max(peak, i - j + 1);
    }
    return {
      workspaces,
      timeScale,
      failures: outcomes.filter((line) => line !== '').length,
      failureLines: outcomes.filter((line) => line !== '').slice(0, 5),
      makespanS: makespanS * timeScale,
      lowerBoundS: Math.max(0, admitted - GLOBAL.burst) / GLOBAL.ratePerSec,
      admitted,
      rejected429: all.length - admitted,
      firstAttemptSpreadS: ((Math.max(...firsts) - Math.min(...firsts)) / 1000) * timeScale,
      authCalls: all.filter((a) => a.path.startsWith('/v1/auth/')).length,
      retried: retries.length,
      retryPeakShare: retries.length === 0 ? 0 : peak / retries.length,
      retryDelayP10S: percentile(retries.map((r) => r.delay), 10) * timeScale,
      retryDelayP90S: percentile(retries.map((r) => r.delay), 90) * timeScale,
    };
  } finally {
    await proxy.close();
    await emulator.close();
    rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [count, scale] = process.argv.slice(2).map(Number);
  runFleet(count || 200, scale || 0.1).then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
