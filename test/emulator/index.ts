// Entry point: startEmulator() wires state, routes, faults, MCP and the admin
// API together and returns the programmatic control surface (Emulator).
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AdminApi } from './admin';
import { agentRoutes } from './api-agents';
import { auditRoutes } from './api-audit';
import { authRoutes } from './api-auth';
import { policyRoutes } from './api-policies';
import { vaultRoutes } from './api-vaults';
import { FaultTable } from './faults';
import { peekClaims } from './jwt';
import { newAdminToken } from './keys';
import { McpEndpoint } from './mcp';
import { notFound } from './problems';
import type { RouteDef } from './router';
import { seedDemo } from './seed';
import { ApiServer, MCP_PATH } from './server';
import { EmulatorState, SYSTEM } from './state';
import { Telemetry } from './stats';
import type { AgentRecord, AuditEvent, DemoCredentials, Emulator, EmulatorOptions, EmulatorStats, FaultSpec, PolicyRecord, RequestLogEntry, SecretRecord, VaultRecord } from './types';

export type * from './types';
export { AGENT_KEYS_VAULT } from './state';
export { AGENT_TOKEN_ROUTE, HUMAN_TOKEN_ROUTE, SECRET_VALUE_ROUTE } from './stats';

/** Order matters only where templates overlap: /v1/agents/me precedes /v1/agents/{agent_id}. */
export const API_ROUTES: readonly RouteDef[] = [...authRoutes, ...vaultRoutes, ...policyRoutes, ...agentRoutes, ...auditRoutes];

class RunningEmulator implements Emulator {
  url = '';
  mcpUrl = '';
  readonly adminToken = newAdminToken();
  demo: DemoCredentials | undefined;

  constructor(
    private readonly state: EmulatorState,
    private readonly telemetry: Telemetry,
    private readonly faults: FaultTable,
    private readonly server: ApiServer,
  ) {}

  async close(): Promise<void> {
    recordCanaries(this.state.canaries());
    await this.server.close();
  }

  injectFault(f: FaultSpec): string {
    return this.faults.add(f);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  setTokenTtl(seconds: number, agentId?: string): void {
    if (!Number.isInteger(seconds) || seconds < 1) throw new RangeError('TTL must be a positive integer number of seconds');
    if (agentId === undefined) {
      this.state.agentTokenTtlSeconds = seconds;
      return;
    }
    const agent = this.state.liveAgent(agentId);
    if (agent === undefined) throw notFound(`Agent ${agentId} not found`);
    agent.tokenTtlSeconds = seconds;
  }

  setClockSkew(seconds: number): void {
    if (!Number.isFinite(seconds)) throw new RangeError('Clock skew must be a finite number of seconds');
    this.state.clockSkewSeconds = seconds;
  }

  requestLog(): RequestLogEntry[] {
    return this.telemetry.entries();
  }

  clearRequestLog(): void {
    this.telemetry.clearLog();
  }

  stats(): EmulatorStats {
    return this.telemetry.stats();
  }

  auditEvents(): AuditEvent[] {
    return this.state.audit.map((event) => ({ ...event, details: { ...event.details } }));
  }

  canaries(): string[] {
    return this.state.canaries();
  }

  addSecret(vaultId: string, path: string, value: string, opts: { type?: string; expiresAt?: string; disabled?: boolean; raw?: boolean } = {}): SecretRecord {
    if (!this.state.vaults.has(vaultId)) throw notFound(`Vault ${vaultId} not found`);
    const write = { value, type: opts.type ?? 'generic', expiresAt: opts.expiresAt ?? null, disabled: opts.disabled ?? false };
    return { ...this.state.putSecret(vaultId, path, write, SYSTEM, opts.raw ?? false) };
  }

  deleteAgent(agentId: string): void {
    this.state.deleteAgent(agentId);
  }

  deactivateAgent(agentId: string): void {
    const agent = this.state.liveAgent(agentId);
    if (agent === undefined) throw notFound(`Agent ${agentId} not found`);
    agent.isActive = false;
  }

  deleteVault(vaultId: string): void {
    this.state.deleteVault(vaultId);
  }

  setPolicies(vaultId: string, agentId: string, patterns: string[], permissions: string[] = ['read']): void {
    this.state.replaceAgentPolicies(vaultId, agentId, patterns, permissions);
  }

  isTokenRevoked(jwt: string): boolean {
    const jti = peekClaims(jwt)?.['jti'];
    return typeof jti === 'string' && this.state.revokedJtis.has(jti);
  }

  findAgentByName(name: string): AgentRecord | undefined {
    // Names are not unique (as in the real API); the newest live agent wins.
    return this.listAgents()
      .filter((agent) => agent.name === name)
      .at(-1);
  }

  listAgents(): AgentRecord[] {
    return this.state.agentVisibleList().map((agent) => ({ ...agent, vaultIds: [...agent.vaultIds], scopes: [...agent.scopes] }));
  }

  listVaults(): VaultRecord[] {
    return [...this.state.vaults.values()].map((vault) => ({ ...vault }));
  }

  listPolicies(vaultId?: string): PolicyRecord[] {
    return [...this.state.policies.values()]
      .filter((policy) => vaultId === undefined || policy.vaultId === vaultId)
      .map((policy) => ({ ...policy, permissions: [...policy.permissions] }));
  }

  createHuman(email?: string): { humanKey: string; userId: string } {
    return this.state.createHuman(email ?? `user-${this.state.humans.size + 1}@1claw.test`);
  }
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const state = new EmulatorState(opts.agentTokenTtlSeconds ?? 3600, opts.humanTokenTtlSeconds ?? 900);
  const telemetry = new Telemetry();
  const faults = new FaultTable();
  const mcp = new McpEndpoint(state, telemetry);
  const server = new ApiServer({ state, telemetry, faults, mcp, routes: API_ROUTES, log: opts.log });
  const emulator = new RunningEmulator(state, telemetry, faults, server);
  server.setAdmin(new AdminApi(emulator.adminToken, emulator, state, faults));
  if ((opts.seed ?? 'demo') === 'demo') emulator.demo = seedDemo(state);
  const port = await server.listen(opts.port ?? 0);
  emulator.url = `http://127.0.0.1:${port}`;
  emulator.mcpUrl = `${emulator.url}${MCP_PATH}`;
  return emulator;
}

/**
 * With ONECLAW_CANARY_DIR set, every emulator (in-process or CLI) leaves the markers it issued
 * there when it closes, so the final leak scan of a test run knows all of them.
 */
function recordCanaries(canaries: string[]): void {
  const dir = process.env['ONECLAW_CANARY_DIR'];
  if (!dir || canaries.length === 0) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dir, `canaries-${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}.txt`), `${canaries.join('\n')}\n`, { mode: 0o600 });
}
