// Request log and counters. Admin (/__emulator) traffic never reaches these,
// so tests observe only what the client under test did.
import type { EmulatorStats, RequestLogEntry } from './types';

export const SECRET_VALUE_ROUTE = 'GET /v1/vaults/{vault_id}/secrets/{path}';
export const AGENT_TOKEN_ROUTE = 'POST /v1/auth/agent-token';
export const HUMAN_TOKEN_ROUTE = 'POST /v1/auth/api-key-token';

const MAX_LOG_ENTRIES = 50_000;

export class Telemetry {
  private log: RequestLogEntry[] = [];
  private readonly counters: EmulatorStats = {
    requests: 0,
    secretValueReads: 0,
    agentTokenExchanges: 0,
    humanTokenExchanges: 0,
    restSecretValueReads: 0,
    mcpSecretValueReads: 0,
    rateLimited: 0,
    byRoute: {},
  };

  /** Counts a request the moment its route is known, before faults or auth, whatever its outcome. */
  countRequest(route: string): void {
    this.counters.requests += 1;
    if (route !== '') this.counters.byRoute[route] = (this.counters.byRoute[route] ?? 0) + 1;
    if (route === SECRET_VALUE_ROUTE) {
      this.counters.secretValueReads += 1;
      this.counters.restSecretValueReads += 1;
    }
    if (route === AGENT_TOKEN_ROUTE) this.counters.agentTokenExchanges += 1;
    if (route === HUMAN_TOKEN_ROUTE) this.counters.humanTokenExchanges += 1;
  }

  /** A value read by an MCP tool (never the extension's own client). */
  countMcpSecretRead(): void {
    this.counters.secretValueReads += 1;
    this.counters.mcpSecretValueReads += 1;
  }

  countRateLimited(): void {
    this.counters.rateLimited += 1;
  }

  countAgentExchange(): void {
    this.counters.agentTokenExchanges += 1;
  }

  append(entry: RequestLogEntry): void {
    // Bounded so a long-running demo emulator cannot grow without limit.
    if (this.log.length >= MAX_LOG_ENTRIES) this.log.shift();
    this.log.push(entry);
  }

  entries(): RequestLogEntry[] {
    return this.log.map((entry) => ({ ...entry }));
  }

  clearLog(): void {
    this.log = [];
  }

  stats(): EmulatorStats {
    return { ...this.counters, byRoute: { ...this.counters.byRoute } };
  }
}
