/**
 * The editor's live connection to 1Claw: the agent in use, its token (kept fresh by the token
 * manager), the vault it serves, and the state everything else follows. It publishes what the
 * MCP coordinator needs (`connection()`, `onDidChangeState`) and what the views need (state,
 * vaults, secret metadata) — nothing reads this from the composition root.
 */
import type { OneClawClient } from '../api/client';
import { ApiError, OneClawError, isTransient } from '../api/errors';
import type { SecretMetadata, Vault } from '../api/schemas';
import type { Endpoints } from '../settings';
import { systemClock, type Clock } from '../util/clock';
import type { Disposable } from '../util/disposable';
import { Emitter } from '../util/events';
import { describeError, silentLogger, type Logger } from '../util/log';
import { registerSecret } from '../util/redact';
import type { AgentRecord } from './agentRecord';
import { sessionOf, type ConnectionState, type CredentialSource, type Session } from './state';
import { TokenManager, type IssuedToken, type TokenEvent } from './tokenManager';
import { withAgentToken } from './tokenRecovery';

/** What an MCP registration needs from the live connection. */
export interface SessionConnection {
  /** The hosted MCP endpoint. */
  url: string;
  /** The API the key is exchanged at (the headers helper's registration fixes it). */
  apiBaseUrl: string;
  vaultId: string;
  agentKey: string;
  /** True when the key comes from ONECLAW_AGENT_API_KEY, so a config can reference the variable instead of holding it. */
  agentKeyFromEnv: boolean;
  /** The 0600 file the key is kept in (when it does not come from the environment). */
  keyFile?: string;
  /** The current agent JWT, for registrations that carry one, and its expiry (epoch ms). */
  token?: string;
  tokenExpiresAt?: number;
  /**
   * Counts the times 1Claw refused a live token (a policy change revokes them). A registration
   * that got its token at connect time (VS Code's provider) reconnects when this changes.
   */
  revision?: number;
}

export interface SessionDeps {
  /** Where a key not taken from the environment is stored (~/.1claw/agent.json). */
  agentFile: string;
  refreshMarginMs: () => number;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
  tokenRetry?: { baseMs: number; maxMs: number };
}

export class AgentSession implements Disposable {
  private readonly stateEmitter: Emitter<ConnectionState>;
  readonly onDidChangeState;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private currentState: ConnectionState = { kind: 'notConfigured' };
  private endpointsValue: Endpoints | undefined;
  private clientValue: OneClawClient | undefined;
  private tokens: TokenManager | undefined;
  private tokenSubscription: Disposable | undefined;
  private agentValue: { agent: AgentRecord; source: CredentialSource } | undefined;
  private vaultCache: Vault[] | undefined;
  private session: Session | undefined;
  /** Set when the workspace vault vanished mid-session; cleared by the next connect. */
  private vaultProblem: string | undefined;
  private generation = 0;
  private refusals = 0;
  private disposed = false;

  constructor(private readonly deps: SessionDeps) {
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
    this.stateEmitter = new Emitter<ConnectionState>(this.logger);
    this.onDidChangeState = this.stateEmitter.event;
  }

  get state(): ConnectionState {
    return this.currentState;
  }
  get endpoints(): Endpoints | undefined {
    return this.endpointsValue;
  }
  get client(): OneClawClient | undefined {
    return this.clientValue;
  }
  /** The agent in use and where it came from. */
  get agent(): Readonly<{ agent: AgentRecord; source: CredentialSource }> | undefined {
    return this.agentValue;
  }
  get currentToken(): IssuedToken | undefined {
    return this.tokens?.current;
  }
  get vaultId(): string | undefined {
    return this.session?.vaultId ?? this.agentValue?.agent.vaultId;
  }

  /** Where to talk to (settings or template); clears everything that was connected. */
  configure(endpoints: Endpoints, client: OneClawClient): void {
    this.stop();
    this.endpointsValue = endpoints;
    this.clientValue = client;
  }

  /** What MCP registrations need, or undefined when there is no usable agent. */
  connection(): SessionConnection | undefined {
    const session = sessionOf(this.currentState);
    const agent = this.agentValue;
    const endpoints = this.endpointsValue;
    if (!session || !agent || !endpoints) return undefined;
    const token = this.tokens?.current;
    const fromEnv = agent.source === 'environment';
    return {
      url: endpoints.mcpUrl,
      apiBaseUrl: endpoints.apiBaseUrl,
      vaultId: session.vaultId,
      agentKey: agent.agent.agentKey,
      agentKeyFromEnv: fromEnv,
      keyFile: fromEnv ? undefined : this.deps.agentFile,
      token: token?.token,
      tokenExpiresAt: token?.expiresAt,
      revision: this.refusals,
    };
  }

  /** Exchange-and-refresh with this agent; state follows the token manager. */
  connect(agent: AgentRecord, source: CredentialSource): void {
    if (!this.clientValue) throw new OneClawError('The 1Claw API URL is not configured.');
    this.stop();
    registerSecret(agent.agentKey);
    const current = { agent, source };
    this.agentValue = current;
    const generation = ++this.generation;
    const tokens = new TokenManager({
      client: this.clientValue,
      identity: agent,
      clock: this.clock,
      refreshMarginMs: this.deps.refreshMarginMs(),
      retryBaseMs: this.deps.tokenRetry?.baseMs,
      retryMaxMs: this.deps.tokenRetry?.maxMs,
      random: this.deps.random,
      logger: this.logger,
    });
    this.tokens = tokens;
    this.tokenSubscription = tokens.onDidChange((event) => {
      if (generation === this.generation) void this.onTokenEvent(event, current);
    });
    this.setState({ kind: 'connecting', source });
    tokens.start();
  }

  /** Stop using the agent and show a state that has no session (not configured, revoked, error, bootstrapping). */
  show(state: Exclude<ConnectionState, { kind: 'connected' | 'refreshing' | 'offline' | 'connecting' }>): void {
    this.stop();
    this.setState(state);
  }

  /** A valid agent JWT now (the MCP provider hands it out at connect time). */
  freshToken(): Promise<string> {
    if (!this.tokens) return Promise.reject(new OneClawError('1Claw is not connected.'));
    return this.tokens.getToken();
  }

  /** Run an API call as the agent, re-exchanging once when 1Claw refuses the token (401, or 403 "revoked"/stale scopes). */
  withToken<T>(call: (client: OneClawClient, token: string) => Promise<T>): Promise<T> {
    const tokens = this.tokens;
    const client = this.clientValue;
    if (!tokens || !client) return Promise.reject(new OneClawError('1Claw is not connected.'));
    return withAgentToken(tokens, (token) => call(client, token), { logger: this.logger, onRefused: () => void this.refusals++ });
  }

  /** The vaults the agent can see, cached until the next refresh (the internal __agent-keys vault included; the view hides it). */
  async listVaults(options: { force?: boolean } = {}): Promise<Vault[]> {
    if (this.vaultCache && !options.force) return this.vaultCache;
    const vaults = await this.withToken((client, token) => client.listVaults(token));
    this.vaultCache = vaults;
    return vaults;
  }

  async listSecrets(vaultId: string): Promise<SecretMetadata[]> {
    try {
      return await this.withToken((client, token) => client.listSecrets(token, vaultId));
    } catch (err) {
      if (err instanceof ApiError && err.isNotFound && vaultId === this.session?.vaultId) this.workspaceVaultGone();
      throw err;
    }
  }

  /** Whether there is an agent whose token can be renewed. */
  get isConnected(): boolean {
    return this.tokens !== undefined;
  }

  /** A new token now, and fresh vault metadata (the Refresh command). */
  async refreshNow(): Promise<void> {
    if (!this.tokens || this.currentState.kind === 'revoked') return;
    await this.tokens.refreshNow();
    const vaults = await this.listVaults({ force: true });
    if (this.session && !vaults.some((vault) => vault.id === this.session?.vaultId)) this.workspaceVaultGone();
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
    this.stateEmitter.dispose();
  }

  private stop(): void {
    this.generation++;
    this.tokenSubscription?.dispose();
    this.tokenSubscription = undefined;
    this.tokens?.dispose();
    this.tokens = undefined;
    this.agentValue = undefined;
    this.session = undefined;
    this.vaultCache = undefined;
    this.vaultProblem = undefined;
  }

  private async onTokenEvent(event: TokenEvent, current: { agent: AgentRecord; source: CredentialSource }): Promise<void> {
    switch (event.kind) {
      case 'issued': {
        if (this.session === undefined) {
          const session = await this.describeSession(event.token, current);
          if (!session || this.agentValue !== current) return;
          this.session = session;
          if (!session.agentName) void this.lookUpAgentName(current);
        } else {
          this.session = { ...this.session, expiresAt: event.token.expiresAt, lastRefresh: this.clock.now() };
        }
        // Every issue re-announces "connected": registrations that carry the token follow it.
        if (!this.vaultProblem) this.setState({ kind: 'connected', session: this.session });
        return;
      }
      case 'refreshing':
        if (this.session) this.setState({ kind: 'refreshing', session: this.session });
        return;
      case 'offline':
        this.setState({ kind: 'offline', retryAt: event.retryAt, error: event.error, lastGood: event.lastGood && this.session ? { ...this.session, expiresAt: event.lastGood.expiresAt } : undefined });
        return;
      case 'lapsed':
        // Repaint and tell listeners: the state is the same, but what it means for clients is not.
        if (this.currentState.kind === 'offline' || this.currentState.kind === 'refreshing') this.setState({ ...this.currentState });
        return;
      case 'revoked':
        this.setState({
          kind: 'revoked',
          cause: 'refused',
          message: `1Claw refused the agent key (${sourceLabel(current.source)}): the agent was revoked, deleted or deactivated. Run "1Claw: Re-bootstrap Workspace Agent", or ask an administrator for a new key.`,
        });
        return;
      case 'failed':
        this.setState({ kind: 'error', message: event.error, nextStep: 'Check "1Claw: Show Log" for details; the extension retries every minute.' });
        return;
    }
  }

  /** First token: settle which vault we serve and its name (one vault listing). */
  private async describeSession(token: IssuedToken, current: { agent: AgentRecord; source: CredentialSource }): Promise<Session | undefined> {
    const { agent, source } = current;
    let vaultId = agent.vaultId;
    if (!vaultId) {
      if (token.vaultIds.length === 1) vaultId = token.vaultIds[0]!;
      else {
        this.setState({
          kind: 'error',
          message: token.vaultIds.length === 0 ? 'The agent is not bound to a vault and ONECLAW_VAULT_ID is not set.' : `The agent can use ${token.vaultIds.length} vaults and ONECLAW_VAULT_ID does not say which one to serve.`,
          nextStep: 'Set ONECLAW_VAULT_ID in the workspace template (the 1Claw module does this), then restart the workspace.',
        });
        return undefined;
      }
    }
    let vaultName = agent.vaultName;
    try {
      const vault = (await this.listVaults({ force: true })).find((v) => v.id === vaultId);
      if (!vault) {
        this.setState({
          kind: 'error',
          message: `The vault ${vaultId} is not visible to this agent: it was deleted, or the agent is no longer bound to it.`,
          nextStep: 'Run "1Claw: Re-bootstrap Workspace Agent", or ask an administrator to restore access.',
        });
        return undefined;
      }
      vaultName = vault.name;
    } catch (err) {
      // Listing is for display; a transient failure must not hold the connection back.
      if (!isTransient(err)) this.logger.warn(`Could not list vaults: ${describeError(err)}`);
    }
    return { vaultId, vaultName, agentId: token.agentId ?? agent.agentId, agentName: agent.agentName, source, expiresAt: token.expiresAt, lastRefresh: this.clock.now() };
  }

  /** The variables carry no agent name; ask once, off the connect path, so the status shows a name rather than a UUID. */
  private async lookUpAgentName(current: { agent: AgentRecord; source: CredentialSource }): Promise<void> {
    try {
      const self = await this.withToken((client, token) => client.getAgentSelf(token));
      if (!self.name || this.agentValue !== current || !this.session) return;
      this.session = { ...this.session, agentName: self.name };
      if (this.currentState.kind === 'connected') this.setState({ kind: 'connected', session: this.session });
    } catch (err) {
      this.logger.debug(`Could not look up the agent's name: ${describeError(err)}`);
    }
  }

  /** The vault this workspace serves disappeared: say so, and stay so across token renewals. */
  private workspaceVaultGone(): void {
    const session = this.session;
    if (!session) return;
    const name = session.vaultName ? `"${session.vaultName}" ` : '';
    this.vaultProblem = `The vault ${name}(${session.vaultId}) no longer exists, or this agent lost access to it.`;
    this.setState({ kind: 'error', message: this.vaultProblem, nextStep: 'Run "1Claw: Re-bootstrap Workspace Agent", or ask an administrator to restore the vault.' });
  }

  private setState(state: ConnectionState): void {
    if (this.disposed) return;
    this.currentState = state;
    this.logger.debug(`State: ${state.kind}${state.kind === 'bootstrapping' ? ` (${state.step})` : ''}`);
    this.stateEmitter.fire(state);
  }
}

export function sourceLabel(source: CredentialSource): string {
  switch (source) {
    case 'environment':
      return 'ONECLAW_AGENT_API_KEY from the workspace template';
    case 'cache-file':
      return 'bootstrap cache file';
    case 'coder-module-cache':
      return 'Coder module\'s bootstrap cache';
    case 'legacy-cache':
      return 'legacy ~/.1claw/bootstrap.json cache';
    case 'secret-storage':
      return 'editor\'s secret storage';
    case 'bootstrap':
      return 'bootstrap just completed';
  }
}
