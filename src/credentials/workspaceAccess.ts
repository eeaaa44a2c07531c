/**
 * The editor's start-up and its Bootstrap / Revoke commands, as plain TypeScript: decides where
 * the agent comes from (resolution.ts), enrols or revokes (enrolment.ts, shared with the CLI),
 * and hands the agent to the live session (session.ts), which publishes everything else.
 */
import * as os from 'node:os';
import { OneClawClient, type ClientOptions } from '../api/client';
import { QuotaMonitor } from '../api/quota';
import { resolveEndpoints, type ExtensionSettings } from '../settings';
import { systemClock, type Clock } from '../util/clock';
import type { Disposable } from '../util/disposable';
import { describeError, silentLogger, type Logger } from '../util/log';
import { OneClawError } from '../api/errors';
import { serialiseAgentFile, type AgentRecord, type StoredAgentRecord } from './agentRecord';
import { BootstrapError, SessionRefusedError, type BootstrapResult, type HumanCredential } from './bootstrap';
import { Enrolment, describeRevoke, type ClientCleanup, type EnrolOutcome, type RevokeReport } from './enrolment';
import { ENV, readWorkspaceEnvironment, type WorkspaceEnvironment } from './environment';
import { checkExistingKey, type ExistingKeyInput } from './existingKey';
import { instanceId, oneClawHome, tightenIfPresent, type OneClawHome } from './home';
import { AGENT_SECRET_KEY, resolveCredentials, type SecretStore } from './resolution';
import { RevocationMemory } from './revocations';
import { AgentSession } from './session';
import type { RevocationCause } from './state';

export interface AccessDeps {
  /** A snapshot of the process environment taken at activation. */
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  secrets: SecretStore;
  settings: () => ExtensionSettings;
  /** The MCP side of a revoke: every client the product knows (src/mcp/clients). */
  cleanup: () => ClientCleanup;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
  userAgent?: string;
  /** Overrides for tests: client construction, token retry timing. */
  clientOptions?: Partial<ClientOptions>;
  tokenRetry?: { baseMs: number; maxMs: number };
  hostname?: string;
}

export interface RevokeOutcome {
  report: RevokeReport;
  message: string;
  warning: boolean;
}

const ENROL_AGAIN = 'Nothing enrols this workspace again by itself: run "1Claw: Bootstrap Workspace Agent" when you want a new agent.';
const REVOKED_MESSAGE = `This workspace's 1Claw access was revoked earlier. ${ENROL_AGAIN}`;

/** What the status tooltip says after a revoke: only what the revoke established. */
function revokedMessage(cause: RevocationCause): string {
  switch (cause) {
    case 'deleted':
      return `You revoked this workspace's 1Claw access and deleted its agent; its key no longer works. ${ENROL_AGAIN}`;
    case 'gone':
      return `You revoked this workspace's 1Claw access; its agent no longer existed at 1Claw, so its key no longer works. ${ENROL_AGAIN}`;
    case 'kept':
      return `You revoked this workspace's 1Claw access. The agent still exists at 1Claw and its key still works wherever else it is kept; an administrator can delete it in the 1Claw dashboard. ${ENROL_AGAIN}`;
    default:
      return REVOKED_MESSAGE;
  }
}

export class WorkspaceAccess implements Disposable {
  readonly session: AgentSession;
  readonly layout: OneClawHome;
  /** The organisation's quota as every API answer reports it (the status bar shows problems). */
  readonly quota: QuotaMonitor;
  private readonly clock: Clock;
  private readonly logger: Logger;
  /** Our copy of the environment; the template's human credentials are deleted from it once used. */
  private readonly env: Record<string, string | undefined>;
  private environment: WorkspaceEnvironment;

  constructor(private readonly deps: AccessDeps) {
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
    this.env = { ...deps.env };
    this.environment = readWorkspaceEnvironment(this.env);
    this.layout = oneClawHome(deps.home);
    this.quota = new QuotaMonitor(this.logger);
    this.session = new AgentSession({
      agentFile: this.layout.agentFile,
      refreshMarginMs: () => deps.settings().refreshMarginSeconds * 1000,
      clock: this.clock,
      logger: this.logger,
      random: deps.random,
      tokenRetry: deps.tokenRetry,
    });
  }

  /** Find credentials and connect, enrol from what the template offers, or settle on "not configured" / "revoked". */
  async start(): Promise<void> {
    const settings = this.deps.settings();
    const endpoints = resolveEndpoints(this.environment, settings);
    if (!endpoints.ok) {
      this.session.show({ kind: 'error', message: endpoints.problem, nextStep: 'Correct the URL (it must be https, or http to localhost) and reload the window.' });
      return;
    }
    this.session.configure(endpoints.endpoints, this.createClient(endpoints.endpoints.apiBaseUrl, settings));
    await tightenIfPresent(this.layout.dir, this.logger).catch((err: unknown) => this.logger.warn(`Could not secure ${this.layout.dir}: ${describeError(err)}`));
    const resolution = await resolveCredentials({ environment: this.environment, layout: this.layout, revocations: this.revocations(), logger: this.logger, secrets: this.deps.secrets });
    if (resolution.kind === 'invalid') {
      this.session.show({ kind: 'error', message: resolution.problems.join(' '), nextStep: 'Fix the variable in the Coder template (the 1Claw module sets these), then restart the workspace.' });
      return;
    }
    for (const note of resolution.notes) this.logger.warn(note);
    switch (resolution.kind) {
      case 'agent':
        this.session.connect(resolution.agent, resolution.source);
        return;
      case 'revoked':
        this.forgetTemplateCredentials();
        this.session.show({
          kind: 'revoked',
          cause: 'earlier',
          message: resolution.reason === 'key' ? 'You revoked this workspace\'s agent earlier; the workspace template still injects its key. Remove it from the template, or run "1Claw: Bootstrap Workspace Agent" to enrol a new agent.' : REVOKED_MESSAGE,
        });
        return;
      case 'enrol':
        await this.enrolFromTemplate(resolution.human);
        return;
      case 'none':
        this.session.show({ kind: 'notConfigured' });
    }
  }

  /** Forget everything in memory and start over (settings changed, or after an error was fixed). */
  async restart(): Promise<void> {
    this.environment = readWorkspaceEnvironment(this.env);
    await this.start();
  }

  /** The Refresh command: a new token and fresh metadata, or a new start when there is no agent. */
  async refresh(): Promise<void> {
    if (!this.session.isConnected) return this.restart();
    try {
      await this.session.refreshNow();
    } catch (err) {
      this.logger.warn(`Refresh failed: ${describeError(err)}`);
      throw err;
    }
  }

  /**
   * The user's Bootstrap / Re-bootstrap / Sign In: create (or replace) the workspace agent from a
   * human key typed for this purpose, or a device sign-in's session. Either is used for this one
   * enrolment and not kept anywhere (the bootstrap revokes the session when it ends).
   */
  async bootstrap(human: string | HumanCredential): Promise<BootstrapResult> {
    const previous = this.session.agent;
    const client = this.session.client;
    if (!client) throw new BootstrapError('sign in', new Error('The 1Claw API URL is not configured.'), []);
    const settings = this.deps.settings();
    this.session.show({ kind: 'bootstrapping', step: 'starting' });
    try {
      const reuseVault = previous && previous.source !== 'environment' ? previous.agent.vaultName : undefined;
      const credential: HumanCredential = typeof human === 'string' ? { kind: 'key', key: human } : human;
      const outcome = await this.enrol(credential, true, settings, reuseVault, previous?.source === 'environment' ? undefined : previous?.agent);
      if (outcome.kind !== 'enrolled') throw new Error('the enrolment did not run');
      this.session.connect(outcome.result.agent, 'bootstrap');
      return outcome.result;
    } catch (err) {
      this.logger.error(describeError(err));
      if (previous) {
        this.logger.info('Keeping the previous agent, which is unchanged.');
        this.session.connect(previous.agent, previous.source);
      } else {
        this.session.show({ kind: 'error', message: describeError(err), nextStep: 'Fix the cause, then run "1Claw: Bootstrap Workspace Agent" again.' });
      }
      throw err;
    }
  }

  /**
   * "Use an Existing Agent Key": one exchange checks the key (and fixes the vault), then it is
   * stored like a bootstrap result and connected. The agent used before is not deleted (that
   * needs a human credential); an injected ONECLAW_AGENT_API_KEY would win, so it is refused.
   */
  async useAgentKey(input: ExistingKeyInput): Promise<StoredAgentRecord> {
    const client = this.session.client;
    if (!client) throw new OneClawError('The 1Claw API URL is not configured.');
    if (this.environment.agent) throw new OneClawError('This workspace\'s template injects an agent key (ONECLAW_AGENT_API_KEY), which always takes precedence. Change the key in the template instead.');
    const agent = await checkExistingKey(client, this.revocations(), input);
    const enrolment = new Enrolment({ layout: this.layout, client, instanceId: await this.instanceId(), logger: this.logger, clock: this.clock });
    await enrolment.adopt(agent, async (stored) => {
      await this.deps.secrets.store(AGENT_SECRET_KEY, serialiseAgentFile(stored));
    });
    this.logger.info(`Using an existing agent key for vault ${agent.vaultId}; stored in ${this.layout.agentFile}.`);
    this.session.connect(agent, 'cache-file');
    return agent;
  }

  /**
   * Revoke: the tokens we hold, the agent itself when a human key is given, our entries in every
   * client the product knows, every stored copy of the key. Remembered, so nothing enrols this
   * workspace again until the user bootstraps explicitly. Ends "revoked".
   */
  async revoke(humanKey?: string): Promise<RevokeOutcome> {
    const client = this.session.client;
    const agent = this.session.agent;
    const token = this.session.currentToken?.token;
    const cleanup = this.deps.cleanup();
    this.forgetTemplateCredentials();
    // Stop using the agent at once; the cause (and so the welcome view) is known once the revoke has run.
    this.session.show({ kind: 'revoked', message: 'Revoking this workspace\'s 1Claw access…' });
    const human: HumanCredential | undefined = humanKey ? { kind: 'key', key: humanKey } : undefined;
    // Without an API client (an unusable URL) the revoke still forgets every stored key.
    const enrolment = new Enrolment({ layout: this.layout, client, instanceId: await this.instanceId(), logger: this.logger, clock: this.clock });
    const tokens = [...(token ? [token] : []), ...(await cleanup.cachedTokens())];
    const report: RevokeReport = await enrolment.revoke({ agent: agent?.agent, tokens, human, cleanup });
    await this.deps.secrets.delete(AGENT_SECRET_KEY);
    const cause: RevocationCause = report.agentDeleted ? 'deleted' : report.keyStillWorks === false ? 'gone' : 'kept';
    this.session.show({ kind: 'revoked', cause, message: revokedMessage(cause) });
    return { report, ...describeRevoke(report, agent?.source === 'environment') };
  }

  dispose(): void {
    this.session.dispose();
    this.quota.dispose();
  }

  // --- internals ------------------------------------------------------------------------

  private async enrolFromTemplate(human: HumanCredential): Promise<void> {
    this.forgetTemplateCredentials();
    try {
      const outcome = await this.enrol(human, false, this.deps.settings());
      if (outcome.kind === 'enrolled') this.session.connect(outcome.result.agent, 'bootstrap');
      else if (outcome.kind === 'reused') {
        this.logger.info('The workspace was enrolled by the Coder module\'s start script; using its agent.');
        this.session.connect(outcome.agent, 'cache-file');
      } else this.session.show({ kind: 'revoked', cause: 'earlier', message: REVOKED_MESSAGE });
    } catch (err) {
      const failure = err instanceof BootstrapError ? err.failure : err;
      if (failure instanceof SessionRefusedError) {
        this.logger.info(`${describeError(failure)}; not enrolling.`);
        this.session.show({ kind: 'notConfigured', reason: 'The one-time enrolment session from the workspace template was already used or has expired.' });
        return;
      }
      this.session.show({ kind: 'error', message: describeError(err), nextStep: 'Run "1Claw: Bootstrap Workspace Agent" when the cause is fixed.' });
    }
  }

  private async enrol(human: HumanCredential, explicit: boolean, settings: ExtensionSettings, vaultName?: string, previous?: AgentRecord): Promise<EnrolOutcome> {
    const client = this.session.client!;
    const enrolment = new Enrolment({ layout: this.layout, client, instanceId: await this.instanceId(), logger: this.logger, clock: this.clock });
    return enrolment.enrol({
      human,
      explicit,
      previous,
      options: {
        vaultName: vaultName ?? settings.bootstrap.vaultName,
        agentName: settings.bootstrap.agentName || defaultAgentName(this.env, this.deps.hostname ?? os.hostname()),
        policyPath: settings.bootstrap.policyPath,
        permissions: settings.bootstrap.permissions,
        tokenTtlSeconds: settings.bootstrap.tokenTtlSeconds,
        description: 'Workspace agent created by the 1Claw extension',
      },
      onStep: (step) => this.session.show({ kind: 'bootstrapping', step }),
      persistAlso: async (agent) => {
        await this.deps.secrets.store(AGENT_SECRET_KEY, serialiseAgentFile(agent));
      },
    });
  }

  private revocations(): RevocationMemory {
    return new RevocationMemory(this.layout.revokedFile, () => this.clock.now());
  }

  /** Read each time: the module's start script may record the template's owner marker meanwhile. */
  private instanceId(): Promise<string> {
    return instanceId(this.layout, this.logger);
  }

  private forgetTemplateCredentials(): void {
    delete this.env[ENV.humanKey];
    delete this.env[ENV.bootstrapSession];
    this.environment = { ...this.environment, humanKey: undefined, bootstrapSession: undefined };
  }

  private createClient(baseUrl: string, settings: ExtensionSettings): OneClawClient {
    return new OneClawClient({
      baseUrl,
      timeoutMs: settings.requestTimeoutSeconds * 1000,
      clock: this.clock,
      random: this.deps.random,
      logger: this.logger,
      userAgent: this.deps.userAgent,
      onResponse: (response) => this.quota.observe(response),
      ...this.deps.clientOptions,
    });
  }
}

export function defaultAgentName(env: Readonly<Record<string, string | undefined>>, hostname: string): string {
  const owner = env.CODER_WORKSPACE_OWNER_NAME ?? env.CODER_USERNAME;
  const workspace = env.CODER_WORKSPACE_NAME ?? hostname;
  const raw = owner ? `coder-${owner}-${workspace}` : `coder-${workspace}`;
  return raw.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 64);
}
