// Entry point: startEmulator() wires state, routes, faults, MCP and the admin
// API together and returns the programmatic control surface (Emulator).
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AdminApi } from './admin';
import { agentRoutes } from './api-agents';
import { auditRoutes } from './api-audit';
import { authRoutes } from './api-auth';
import { decideDevice, deviceRoutes } from './api-device';
import { decideEnrolment, enrollRoutes } from './api-enroll';
import { enrolmentView } from './enrolment';
import { RateLimits } from './limits';
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
import { mergeSwitches } from './switches';
import type {
  AgentRecord,
  AuditEvent,
  DemoCredentials,
  DeviceCodeView,
  Emulator,
  EmulatorOptions,
  EmulatorStats,
  EmulatorSwitches,
  EnrollmentView,
  FaultSpec,
  LimitsOptions,
  MailMessage,
  PolicyRecord,
  QuotaOptions,
  QuotaStatus,
  RequestLogEntry,
  SecretRecord,
  VaultRecord,
} from './types';

export type * from './types';
export { AGENT_KEYS_VAULT } from './state';
export { AGENT_TOKEN_ROUTE, HUMAN_TOKEN_ROUTE, SECRET_VALUE_ROUTE } from './stats';
export { DEFAULT_SWITCHES, FREE_TIER_LIMITS } from './switches';
export { DOCUMENTED_LIMITS } from './limits';
export { DEVICE_GRANT_TYPE } from './api-device';

/** Order matters only where templates overlap: /v1/agents/me precedes /v1/agents/{agent_id}. */
export const API_ROUTES: readonly RouteDef[] = [...authRoutes, ...deviceRoutes, ...vaultRoutes, ...policyRoutes, ...enrollRoutes, ...agentRoutes, ...auditRoutes];

/** The agent JWT lifetime of the demo seed: the shorter of the two documented defaults (contract §12.2). */
export const DEMO_AGENT_TOKEN_TTL_SECONDS = 900;

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
    private readonly limits: RateLimits,
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

  setLimits(limits: LimitsOptions | boolean | undefined): void {
    this.limits.configure(limits);
  }

  setQuota(quota: QuotaOptions | undefined): void {
    this.state.quota.configure(quota);
  }

  quotaStatus(): QuotaStatus | undefined {
    return this.state.quota.status();
  }

  setSwitches(switches: Partial<EmulatorSwitches>): void {
    this.state.switches = mergeSwitches(this.state.switches, switches);
  }

  switches(): EmulatorSwitches {
    return structuredClone(this.state.switches);
  }

  revokeAgentTokens(agentId: string): number {
    if (!this.state.agents.has(agentId)) throw notFound(`Agent ${agentId} not found`);
    return this.state.revokeAgentTokens(agentId);
  }

  deviceCodes(): DeviceCodeView[] {
    return this.state.devices.list(this.state.nowMs());
  }

  approveDevice(userCode: string, email?: string): string {
    const record = this.state.devices.byUserCode(userCode);
    if (record === undefined) throw notFound('Unknown user code');
    const wanted = record.email ?? email;
    const human = this.state.humanByEmail(wanted);
    if (human === undefined) throw notFound(`No 1Claw account has the email ${wanted ?? '(none)'}`);
    decideDevice(this.state, record, human.id, true);
    return human.id;
  }

  denyDevice(userCode: string): void {
    const record = this.state.devices.byUserCode(userCode);
    if (record === undefined) throw notFound('Unknown user code');
    const human = this.state.humanByEmail(record.email ?? undefined);
    if (human === undefined) throw notFound('No 1Claw account can deny this code');
    decideDevice(this.state, record, human.id, false);
  }

  enrollments(): EnrollmentView[] {
    return this.state.enrolments.list().map((record) => enrolmentView(record, this.state.publicUrl));
  }

  approveEnrollment(enrollmentId: string, email?: string): { agentId: string; apiKey: string } {
    const result = decideEnrolment(this.state, enrollmentId, true, email);
    if (result === undefined) throw new Error('approval returned nothing');
    return result;
  }

  denyEnrollment(enrollmentId: string): void {
    decideEnrolment(this.state, enrollmentId, false);
  }

  mailbox(to?: string): MailMessage[] {
    return this.state.mail.filter((message) => to === undefined || message.to.toLowerCase() === to.toLowerCase()).map((message) => ({ ...message }));
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
  const demoSeed = (opts.seed ?? 'demo') === 'demo';
  const state = new EmulatorState(opts.agentTokenTtlSeconds ?? (demoSeed ? DEMO_AGENT_TOKEN_TTL_SECONDS : 3600), opts.humanTokenTtlSeconds ?? 900);
  const telemetry = new Telemetry();
  const faults = new FaultTable();
  const limits = new RateLimits();
  limits.configure(opts.limits);
  state.quota.configure(opts.quota);
  if (opts.switches !== undefined) state.switches = mergeSwitches(state.switches, opts.switches);
  const mcp = new McpEndpoint(state, telemetry);
  const server = new ApiServer({ state, telemetry, faults, mcp, limits, routes: API_ROUTES, log: opts.log });
  const emulator = new RunningEmulator(state, telemetry, faults, server, limits);
  server.setAdmin(new AdminApi(emulator.adminToken, emulator, state, faults));
  if (demoSeed) emulator.demo = seedDemo(state);
  const port = await server.listen(opts.port ?? 0);
  emulator.url = `http://127.0.0.1:${port}`;
  emulator.mcpUrl = `${emulator.url}${MCP_PATH}`;
  state.publicUrl = emulator.url;
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
