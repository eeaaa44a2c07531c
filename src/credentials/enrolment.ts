/**
 * Enrolment and revocation of this workspace's agent, without the editor: the extension and the
 * `oneclaw` CLI (the Coder module's start script) both run exactly this.
 *
 * - Enrolment takes the lock the module's start script and every editor window share
 *   (`~/.1claw/agent.json.lock`), so one workspace is never enrolled twice; an automatic
 *   enrolment reuses an agent someone else stored meanwhile and does nothing while the workspace
 *   is revoked (revocations.ts). An explicit one (the user asked) replaces the agent and clears
 *   the revocation.
 * - Revocation revokes the tokens it knows, deletes the agent when a human credential is given,
 *   removes our entries from every client the product knows and every file holding the key,
 *   remembers the revocation, then checks what still holds a working credential and says so.
 */
import type { OneClawClient } from '../api/client';
import { ApiError } from '../api/errors';
import { systemClock, type Clock } from '../util/clock';
import { removeFile, withFileLock } from '../util/files';
import { describeError, silentLogger, type Logger } from '../util/log';
import { registerSecret } from '../util/redact';
import { readAgentFile, writeAgentFile, type AgentRecord, type StoredAgentRecord } from './agentRecord';
import { bootstrapWorkspaceAgent, retireAgent, type BootstrapHooks, type BootstrapOptions, type BootstrapResult, type HumanCredential } from './bootstrap';
import { cacheLocations, ensurePrivateDir, type OneClawHome } from './home';
import { RevocationMemory } from './revocations';

/** The MCP side of a revoke (implemented in src/mcp/clients/cleanup.ts): every known client, whatever the settings. */
export interface ClientCleanup {
  /** Remove our entries (and the headers helper's files); `needles` are credentials an entry of ours may hold. */
  removeEverywhere(needles: string[]): Promise<{ removed: string[]; problems: string[] }>;
  /** The files the product writes (client configs, its own files) that still contain a needle. */
  filesContaining(needles: string[]): Promise<string[]>;
  /** Tokens the headers helper has cached (revoked before their files are removed). */
  cachedTokens(): Promise<string[]>;
}

export interface EnrolmentDeps {
  layout: OneClawHome;
  /** Absent when the API URL is unusable: a revoke then still forgets every stored key (and says what it could not do). */
  client: OneClawClient | undefined;
  instanceId: string;
  logger?: Logger;
  clock?: Clock;
}

export type EnrolOutcome = { kind: 'enrolled'; result: BootstrapResult } | { kind: 'reused'; agent: StoredAgentRecord } | { kind: 'revoked' };

export interface EnrolRequest {
  human: HumanCredential;
  options: Omit<BootstrapOptions, 'instanceId'>;
  /** An explicit user action: replace whatever is there and clear the revocation memory. */
  explicit: boolean;
  /** The agent this workspace used before (re-bootstrap replaces it). */
  previous?: AgentRecord;
  onStep?: BootstrapHooks['onStep'];
  /** Extra places to keep the record (the editor's SecretStorage); a failure rolls back. */
  persistAlso?: (agent: StoredAgentRecord) => Promise<void>;
}

export interface RevokeRequest {
  agent?: AgentRecord;
  /** Tokens issued to the agent that we hold (the live one, the helper's cached one). */
  tokens: string[];
  human?: HumanCredential;
  cleanup: ClientCleanup;
}

export interface RevokeReport {
  tokensRevoked: number;
  agentDeleted: boolean;
  /** After the revoke: does 1Claw still accept the key? undefined when it could not be checked. */
  keyStillWorks: boolean | undefined;
  removed: string[];
  /** Files the product wrote that still hold the key or a token (should be none). */
  stillHolding: string[];
  problems: string[];
}

export class Enrolment {
  readonly revocations: RevocationMemory;
  private readonly logger: Logger;
  private readonly clock: Clock;

  constructor(private readonly deps: EnrolmentDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.clock = deps.clock ?? systemClock;
    this.revocations = new RevocationMemory(deps.layout.revokedFile, () => this.clock.now());
  }

  async enrol(request: EnrolRequest): Promise<EnrolOutcome> {
    await ensurePrivateDir(this.deps.layout.dir, this.logger);
    return withFileLock(this.deps.layout.agentFile, async () => {
      if (!request.explicit) {
        if (await this.revocations.isWorkspaceRevoked()) return { kind: 'revoked' };
        // The module's start script (or another window) may have enrolled while we waited.
        const stored = await readAgentFile(this.deps.layout.agentFile);
        if (stored.kind === 'ok') return { kind: 'reused', agent: stored.agent };
      }
      const previous = request.previous?.agentId ? [request.previous.agentId] : [];
      if (!this.deps.client) throw new Error('the 1Claw API URL is not usable');
      const result = await bootstrapWorkspaceAgent(this.deps.client, request.human, { ...request.options, instanceId: this.deps.instanceId }, {
        onStep: request.onStep,
        logger: this.logger,
        previousAgentIds: previous,
        persist: async (r) => {
          await writeAgentFile(this.deps.layout.agentFile, r.agent);
          await request.persistAlso?.(r.agent);
        },
      });
      if (request.explicit) await this.revocations.clear();
      for (const warning of result.warnings) this.logger.warn(warning);
      return { kind: 'enrolled', result };
    }, { clock: this.clock, timeoutMs: 120_000, staleMs: 600_000 });
  }

  /**
   * Store an agent the user brought (an existing key, checked by existingKey.ts) like a bootstrap
   * result, under the same lock; an explicit action, so the revocation memory is cleared.
   */
  async adopt(agent: StoredAgentRecord, persistAlso?: (agent: StoredAgentRecord) => Promise<void>): Promise<void> {
    await ensurePrivateDir(this.deps.layout.dir, this.logger);
    await withFileLock(this.deps.layout.agentFile, async () => {
      await writeAgentFile(this.deps.layout.agentFile, agent);
      await persistAlso?.(agent);
    }, { clock: this.clock, timeoutMs: 120_000, staleMs: 600_000 });
    await this.revocations.clear();
  }

  /**
   * Under the enrolment lock, so an enrolment in flight (the start script's, another window's)
   * finishes first and its agent is revoked too, instead of being stored after the revoke. Every
   * key stored here is forgotten and remembered, not only the one the caller knew.
   */
  async revoke(request: RevokeRequest): Promise<RevokeReport> {
    await ensurePrivateDir(this.deps.layout.dir, this.logger);
    return withFileLock(this.deps.layout.agentFile, () => this.revokeLocked(request), { clock: this.clock, timeoutMs: 120_000, staleMs: 600_000 });
  }

  private async revokeLocked(request: RevokeRequest): Promise<RevokeReport> {
    const { client } = this.deps;
    const report: RevokeReport = { tokensRevoked: 0, agentDeleted: false, keyStillWorks: undefined, removed: [], stillHolding: [], problems: [] };
    const stored = await this.storedAgents();
    const agent = request.agent ?? stored[0];
    const key = agent?.agentKey;
    const keys = [...new Set([key, ...stored.map((a) => a.agentKey)].filter((k): k is string => !!k))];
    keys.forEach(registerSecret);
    if (!client) report.problems.push('The 1Claw API URL is not usable, so no token was revoked and no agent deleted at 1Claw.');
    for (const token of client ? new Set(request.tokens) : []) {
      try {
        await client!.revokeToken(token);
        report.tokensRevoked++;
      } catch (err) {
        if (!(err instanceof ApiError && err.isUnauthorized)) this.logger.warn(`Could not revoke a token: ${describeError(err)}`);
      }
    }
    const deletion = client && agent && request.human ? await this.deleteAgent(client, agent, request.human, report) : undefined;
    report.agentDeleted = deletion === 'deleted';

    const needles = [...keys, ...request.tokens];
    const cleaned = await request.cleanup.removeEverywhere(needles);
    report.removed.push(...cleaned.removed);
    report.problems.push(...cleaned.problems);
    for (const file of await this.cacheFilesHolding(keys)) {
      if (await removeFile(file).catch(() => false)) report.removed.push(file);
    }
    for (const k of keys.length ? keys : [undefined]) await this.revocations.remember(k, this.deps.instanceId);

    report.stillHolding = [...(await request.cleanup.filesContaining(needles)), ...(await this.cacheFilesHolding(keys))];
    const works: Array<boolean | undefined> = [];
    // The agent deleted here is checked; one not deleted still works; other stored keys are asked about.
    for (const k of keys) works.push(client ? await this.keyStillWorks(client, k, k === key ? deletion === 'deleted' || deletion === 'gone' : true) : true);
    report.keyStillWorks = works.includes(true) ? true : works.includes(undefined) ? undefined : works.length ? false : undefined;
    return report;
  }

  /** The agents stored in this home (ours first, then the published module's caches). */
  private async storedAgents(): Promise<StoredAgentRecord[]> {
    const agents: StoredAgentRecord[] = [];
    for (const location of cacheLocations(this.deps.layout.home)) {
      const read = await readAgentFile(location.path);
      if (read.kind === 'ok') agents.push(read.agent);
    }
    return agents;
  }

  /** Our cache and any other cache holding one of `keys` (so a revoked key is not picked up again). */
  private async cacheFilesHolding(keys: readonly string[]): Promise<string[]> {
    const files: string[] = [];
    for (const location of cacheLocations(this.deps.layout.home)) {
      const read = await readAgentFile(location.path);
      if (read.kind === 'absent') continue;
      if (location.kind === 'extension' || (read.kind === 'ok' && keys.includes(read.agent.agentKey))) files.push(location.path);
    }
    return files;
  }

  /** 'deleted', 'gone' (1Claw no longer accepts the key: nothing to delete), or 'failed' (said in the report). */
  private async deleteAgent(client: OneClawClient, agent: AgentRecord, human: HumanCredential, report: RevokeReport): Promise<'deleted' | 'gone' | 'failed'> {
    let agentId = agent.agentId;
    if (!agentId) {
      // Learn the agent's id from one exchange, and revoke that token at once.
      try {
        const issued = await client.exchangeAgentKey(agent.agentKey);
        registerSecret(issued.access_token);
        agentId = issued.agent_id ?? undefined;
        await client.revokeToken(issued.access_token).catch(() => undefined);
      } catch (err) {
        if (err instanceof ApiError && err.isUnauthorized) return 'gone';
        report.problems.push(`The agent could not be identified (${describeError(err)}); it stays until an administrator deletes it in the 1Claw dashboard.`);
        return 'failed';
      }
    }
    let humanToken: string | undefined;
    try {
      if (!agentId) throw new Error('the agent\'s id is unknown');
      humanToken = human.kind === 'session' ? human.token : (await client.exchangeHumanKey(human.key)).access_token;
      registerSecret(humanToken);
      await retireAgent(client, humanToken, agent.vaultId, agentId);
      return 'deleted';
    } catch (err) {
      if (err instanceof ApiError && err.isNotFound) return 'gone';
      report.problems.push(`The agent could not be deleted (${describeError(err)}); it stays until an administrator deletes it in the 1Claw dashboard.`);
      return 'failed';
    } finally {
      if (humanToken) await client.revokeToken(humanToken).catch(() => undefined);
    }
  }

  /**
   * The truth after a revoke. A deleted (or vanished) agent's key is checked with one exchange
   * that must be refused; an agent that was not deleted keeps a working key, known without asking.
   */
  private async keyStillWorks(client: OneClawClient, key: string, check: boolean): Promise<boolean | undefined> {
    if (!check) return true;
    try {
      const issued = await client.exchangeAgentKey(key);
      registerSecret(issued.access_token);
      await client.revokeToken(issued.access_token).catch(() => undefined);
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.isUnauthorized) return false;
      return undefined;
    }
  }
}

/** The report as one message for the editor's dialog and the CLI's output: only what is true. */
export function describeRevoke(report: RevokeReport, keyFromEnvironment: boolean, howToEnrol = 'run "1Claw: Bootstrap Workspace Agent"'): { message: string; warning: boolean } {
  const done: string[] = [];
  const caveats = [...report.problems];
  if (report.tokensRevoked) done.push(report.tokensRevoked === 1 ? 'the current token was revoked' : `${report.tokensRevoked} tokens were revoked`);
  if (report.agentDeleted) done.push('the agent was deleted');
  done.push(report.removed.length ? `${report.removed.length} MCP entr${report.removed.length === 1 ? 'y or file' : 'ies and files'} holding it were removed` : 'no MCP entry or credential file was left to remove');
  if (report.stillHolding.length) caveats.push(`These files still hold a credential and must be cleaned by hand: ${report.stillHolding.join(', ')}.`);
  if (report.keyStillWorks === true) {
    caveats.push(
      keyFromEnvironment
        ? 'The agent key still works: it comes from the workspace template (ONECLAW_AGENT_API_KEY), which this workspace cannot change. 1Claw will not use it here again; remove it from the template or delete the agent in the 1Claw dashboard.'
        : 'The agent key still works at 1Claw (deleting the agent needs a human key), though no file written by 1Claw holds it any more. An administrator can delete the agent in the 1Claw dashboard.',
    );
  } else if (report.keyStillWorks === undefined && report.agentDeleted) caveats.push('Whether 1Claw still refuses the old key could not be checked (the API did not answer).');
  const message = `1Claw access revoked: ${done.join(', ')}.${caveats.length ? ` ${caveats.join(' ')}` : ''} Tokens already handed to clients expire within their lifetime. Nothing enrols this workspace again until you ${howToEnrol}.`;
  return { message, warning: caveats.length > 0 };
}
