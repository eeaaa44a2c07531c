/**
 * The connection to 1Claw as one service: finds credentials, keeps a token, bootstraps,
 * revokes, and publishes the state the status bar, tree and MCP registrations follow.
 * Plain TypeScript: the editor layer supplies secret storage, settings, prompts and a logger.
 */
import { createHash } from 'node:crypto';
import { OneClawClient, type ClientOptions } from '../api/client';
import { ApiError, OneClawError, isTransient } from '../api/errors';
import type { SecretMetadata, Vault } from '../api/schemas';
import { resolveEndpoints, type Endpoints, type ExtensionSettings } from '../settings';
import { systemClock, type Clock } from '../util/clock';
import type { Disposable } from '../util/disposable';
import { Emitter } from '../util/events';
import { describeError, silentLogger, type Logger } from '../util/log';
import { withFileLock } from '../util/files';
import { registerSecret } from '../util/redact';
import { bootstrapWorkspaceAgent, type BootstrapResult } from './bootstrap';
import { cacheLocations, readCacheFile, removeCacheFiles, writeCacheFile, type StoredAgent } from './cacheFile';
import { readWorkspaceEnvironment, type WorkspaceEnvironment } from './environment';
import { SECRET_KEYS, fromStored, resolveCredentials, storeAgent, type ActiveCredentials, type SecretStore } from './sources';
import type { ConnectionState, CredentialSource, Session } from './state';
import { TokenManager, withAgentToken, type IssuedToken, type TokenEvent } from './tokenManager';

/** Small persistent key-value store (the editor's globalState); never given a credential. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface ControllerDeps {
  /** A snapshot of the process environment taken at activation. */
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  secrets: SecretStore;
  memento: KeyValueStore;
  settings: () => ExtensionSettings;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
  userAgent?: string;
  /** Overrides for tests: client construction, token retry timing. */
  clientOptions?: Partial<ClientOptions>;
  tokenRetry?: { baseMs: number; maxMs: number };
  hostname?: string;
}

export interface RevokeReport {
  tokenRevoked: boolean;
  agentDeleted: boolean;
  removedFiles: string[];
  /** A plain sentence for the user about what could not be done. */
  caveat?: string;
}

const REVOKED_FINGERPRINTS = 'oneclaw.revokedKeyFingerprints';

export class ConnectionController implements Disposable {
  private readonly stateEmitter = new Emitter<ConnectionState>();
  readonly onDidChangeState = this.stateEmitter.event;

  private readonly clock: Clock;
  private readonly logger: Logger;
  private environment: WorkspaceEnvironment;
  /** Our copy of the environment; the human key is deleted from it once read. */
  private readonly env: Record<string, string | undefined>;
  private currentState: ConnectionState = { kind: 'notConfigured' };
  private endpointsValue: Endpoints | undefined;
  private clientValue: OneClawClient | undefined;
  private tokens: TokenManager | undefined;
  private tokenSubscription: Disposable | undefined;
  private credentialsValue: ActiveCredentials | undefined;
  private vaultCache: Vault[] | undefined;
  private session: Session | undefined;
  /** Set when the workspace vault vanished mid-session; cleared by the next connect. */
  private vaultProblem: string | undefined;
  private generation = 0;
  private disposed = false;

  constructor(private readonly deps: ControllerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
    this.env = { ...deps.env };
    this.environment = readWorkspaceEnvironment(this.env);
  }

  get state(): ConnectionState {
    return this.currentState;
  }
  get endpoints(): Endpoints | undefined {
    return this.endpointsValue;
  }
  get credentials(): Readonly<ActiveCredentials> | undefined {
    return this.credentialsValue;
  }
  get client(): OneClawClient | undefined {
    return this.clientValue;
  }
  get currentToken(): IssuedToken | undefined {
    return this.tokens?.current;
  }
  get vaultId(): string | undefined {
    return this.session?.vaultId ?? this.credentialsValue?.vaultId;
  }
  /** Whether the workspace template offers a human key for bootstrap (the value itself is not exposed). */
  get hasTemplateHumanKey(): boolean {
    return this.environment.humanKey !== undefined;
  }

  /** Find credentials and connect, bootstrap from the template's human key, or settle on "not configured". */
  async start(): Promise<void> {
    const settings = this.deps.settings();
    const endpoints = resolveEndpoints(this.environment, settings);
    if (!endpoints.ok) {
      this.setState({ kind: 'error', message: endpoints.problem, nextStep: 'Correct the URL (it must be https, or http to localhost) and reload the window.' });
      return;
    }
    this.endpointsValue = endpoints.endpoints;
    this.clientValue = this.createClient(endpoints.endpoints.apiBaseUrl, settings);

    const resolution = await resolveCredentials(this.environment, this.deps.home, this.deps.secrets);
    if (resolution.kind === 'invalid') {
      this.setState({
        kind: 'error',
        message: resolution.problems.join(' '),
        nextStep: 'Fix the variable in the Coder template (the 1Claw module sets these), then restart the workspace.',
      });
      return;
    }
    for (const note of resolution.notes) this.logger.warn(note);
    if (resolution.kind === 'agent') {
      if (this.wasRevokedHere(resolution.credentials.agentKey)) {
        this.setState({
          kind: 'revoked',
          message: 'You revoked this workspace\'s agent earlier; the workspace template still injects its key. Remove it from the template, or run "1Claw: Bootstrap Workspace Agent" to enrol a new agent.',
        });
        return;
      }
      this.connect(resolution.credentials);
      await this.migrateCache(resolution.credentials);
      return;
    }
    if (resolution.kind === 'bootstrap') {
      const humanKey = resolution.humanKey;
      this.forgetTemplateHumanKey();
      try {
        await this.withCacheLock(async () => {
          // The Coder module's start script may have enrolled this workspace while we waited.
          const cached = await readCacheFile(cacheLocations(this.deps.home)[0]!);
          if (cached.kind === 'ok') {
            this.logger.info('The workspace was enrolled by the Coder module\'s start script; using its agent.');
            this.connect(fromStored(cached.agent, 'cache-file'));
            return;
          }
          await this.bootstrapLocked(humanKey, { origin: 'template' });
        });
      } catch (err) {
        // bootstrapLocked has already said what failed; a lock timeout has not.
        if (this.currentState.kind !== 'error') this.setState({ kind: 'error', message: describeError(err), nextStep: 'Run "1Claw: Bootstrap Workspace Agent" when the other enrolment has finished.' });
      }
      return;
    }
    this.setState({ kind: 'notConfigured' });
  }

  /** Exchange-and-refresh with these credentials; state follows the token manager. */
  connect(credentials: ActiveCredentials): void {
    if (!this.clientValue) throw new OneClawError('The 1Claw API URL is not configured.');
    this.stopTokens();
    registerSecret(credentials.agentKey);
    this.credentialsValue = credentials;
    this.session = undefined;
    this.vaultProblem = undefined;
    this.vaultCache = undefined;
    const generation = ++this.generation;
    const settings = this.deps.settings();
    const tokens = new TokenManager({
      client: this.clientValue,
      identity: { agentKey: credentials.agentKey, agentId: credentials.agentId },
      clock: this.clock,
      refreshMarginMs: settings.refreshMarginSeconds * 1000,
      retryBaseMs: this.deps.tokenRetry?.baseMs,
      retryMaxMs: this.deps.tokenRetry?.maxMs,
      random: this.deps.random,
      logger: this.logger,
    });
    this.tokens = tokens;
    this.tokenSubscription = tokens.onDidChange((event) => {
      if (generation === this.generation) void this.onTokenEvent(event, credentials);
    });
    this.setState({ kind: 'connecting', source: credentials.source });
    tokens.start();
  }

  /** Resolves once the state is no longer "connecting"/"bootstrapping" (or after `timeoutMs`). */
  async settled(timeoutMs = 30_000): Promise<ConnectionState> {
    const busy = (s: ConnectionState) => s.kind === 'connecting' || s.kind === 'bootstrapping';
    if (!busy(this.currentState)) return this.currentState;
    return new Promise((resolve) => {
      const timer = this.clock.setTimer(() => {
        subscription.dispose();
        resolve(this.currentState);
      }, timeoutMs);
      const subscription = this.onDidChangeState((state) => {
        if (busy(state)) return;
        timer.dispose();
        subscription.dispose();
        resolve(state);
      });
    });
  }

  /** A valid agent JWT now (the MCP provider hands it out at connect time). */
  freshToken(): Promise<string> {
    if (!this.tokens) return Promise.reject(new OneClawError('1Claw is not connected.'));
    return this.tokens.getToken();
  }

  /** Run an API call as the agent, re-exchanging once on 401. */
  withToken<T>(call: (client: OneClawClient, token: string) => Promise<T>): Promise<T> {
    const tokens = this.tokens;
    const client = this.clientValue;
    if (!tokens || !client) return Promise.reject(new OneClawError('1Claw is not connected.'));
    return withAgentToken(tokens, (token) => call(client, token));
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

  /** The Refresh command: a new token now, and fresh vault metadata. */
  async refresh(): Promise<void> {
    if (!this.tokens) {
      await this.restart();
      return;
    }
    if (this.currentState.kind === 'revoked') return;
    try {
      await this.tokens.refreshNow();
      const vaults = await this.listVaults({ force: true });
      if (this.session && !vaults.some((vault) => vault.id === this.session?.vaultId)) this.workspaceVaultGone();
    } catch (err) {
      this.logger.warn(`Refresh failed: ${describeError(err)}`);
      throw err;
    }
  }

  /** Forget everything in memory and start over (settings changed, or after an error was fixed). */
  async restart(): Promise<void> {
    this.stopTokens();
    this.credentialsValue = undefined;
    this.session = undefined;
    this.vaultCache = undefined;
    this.environment = readWorkspaceEnvironment(this.env);
    await this.start();
  }

  /**
   * Create (or replace) the workspace agent from a human key. The key is held in SecretStorage
   * only while the bootstrap runs, and forgotten afterwards whatever the outcome.
   */
  bootstrap(humanKey: string, options: { origin: 'template' | 'prompt' }): Promise<BootstrapResult> {
    return this.withCacheLock(() => this.bootstrapLocked(humanKey, options));
  }

  /**
   * Enrolments take the lock the Coder module's start script takes (`~/.1claw/agent.json.lock`,
   * created exclusively, holding the pid), so the two never enrol one workspace twice.
   */
  private withCacheLock<T>(action: () => Promise<T>): Promise<T> {
    return withFileLock(cacheLocations(this.deps.home)[0]!.path, action, { clock: this.clock, timeoutMs: 120_000, staleMs: 600_000 });
  }

  private async bootstrapLocked(humanKey: string, options: { origin: 'template' | 'prompt' }): Promise<BootstrapResult> {
    const client = this.clientValue;
    if (!client) throw new OneClawError('The 1Claw API URL is not configured.');
    registerSecret(humanKey);
    const previous = this.credentialsValue;
    const settings = this.deps.settings();
    const agentName = settings.bootstrap.agentName || defaultAgentName(this.env, this.deps.hostname);
    this.stopTokens();
    this.setState({ kind: 'bootstrapping', step: 'starting' });
    if (options.origin === 'prompt') await this.deps.secrets.store(SECRET_KEYS.pendingHumanKey, humanKey);
    try {
      const result = await bootstrapWorkspaceAgent(
        client,
        humanKey,
        {
          vaultName: previous?.vaultName && previous.source !== 'environment' ? previous.vaultName : settings.bootstrap.vaultName,
          agentName,
          policyPath: settings.bootstrap.policyPath,
          permissions: settings.bootstrap.permissions,
          tokenTtlSeconds: settings.bootstrap.tokenTtlSeconds,
        },
        {
          onStep: (step) => this.setState({ kind: 'bootstrapping', step }),
          persist: (r) => this.persistAgent({ agentKey: r.agentKey, vaultId: r.vaultId, agentId: r.agentId, vaultName: r.vaultName, agentName: r.agentName, baseUrl: this.endpointsValue?.apiBaseUrl }),
          previousAgentIds: previous?.agentId && previous.source !== 'environment' ? [previous.agentId] : [],
          logger: this.logger,
        },
      );
      for (const warning of result.warnings) this.logger.warn(warning);
      this.connect({ agentKey: result.agentKey, vaultId: result.vaultId, agentId: result.agentId, vaultName: result.vaultName, agentName: result.agentName, source: 'bootstrap' });
      return result;
    } catch (err) {
      const message = describeError(err);
      this.logger.error(message);
      if (previous) {
        this.logger.info('Keeping the previous agent, which is unchanged.');
        this.connect(previous);
      } else {
        this.setState({ kind: 'error', message, nextStep: 'Fix the cause, then run "1Claw: Bootstrap Workspace Agent" again.' });
      }
      throw err;
    } finally {
      await this.deps.secrets.delete(SECRET_KEYS.pendingHumanKey);
    }
  }

  /**
   * Revoke: the current JWT server-side, the agent itself when a human key is given, then every
   * stored credential. Ends "not configured". MCP entries follow the state (see McpCoordinator).
   */
  async revoke(humanKey?: string): Promise<RevokeReport> {
    const client = this.clientValue;
    const credentials = this.credentialsValue;
    const token = this.tokens?.current?.token;
    const agentId = this.tokens?.current?.agentId ?? credentials?.agentId;
    const report: RevokeReport = { tokenRevoked: false, agentDeleted: false, removedFiles: [] };

    if (client && token) {
      try {
        await client.revokeToken(token);
        report.tokenRevoked = true;
      } catch (err) {
        this.logger.warn(`Could not revoke the current token: ${describeError(err)}`);
      }
    }
    if (client && humanKey && agentId) {
      registerSecret(humanKey);
      let humanToken: string | undefined;
      try {
        humanToken = (await client.exchangeHumanKey(humanKey)).access_token;
        await client.deleteAgent(humanToken, agentId);
        report.agentDeleted = true;
      } catch (err) {
        if (err instanceof ApiError && err.isNotFound) report.agentDeleted = true;
        else report.caveat = `The agent could not be deleted (${describeError(err)}); it stays until an administrator deletes it in the 1Claw dashboard.`;
      } finally {
        if (humanToken) await client.revokeToken(humanToken).catch(() => undefined);
      }
    } else if (credentials) {
      report.caveat = 'The agent itself was not deleted (no human key was given); it stays until an administrator deletes it in the 1Claw dashboard. Tokens it already holds expire within their lifetime.';
    }

    this.stopTokens();
    await this.deps.secrets.delete(SECRET_KEYS.agent);
    await this.deps.secrets.delete(SECRET_KEYS.pendingHumanKey);
    report.removedFiles = await removeCacheFiles(this.deps.home, credentials?.agentKey).catch((err) => {
      this.logger.error(`Could not remove the credentials cache: ${describeError(err)}`);
      return [];
    });
    if (credentials?.source === 'environment') await this.rememberRevoked(credentials.agentKey);
    this.credentialsValue = undefined;
    this.session = undefined;
    this.vaultCache = undefined;
    this.setState({ kind: 'notConfigured', reason: 'You revoked this workspace\'s access.' });
    return report;
  }

  dispose(): void {
    this.disposed = true;
    this.stopTokens();
    this.stateEmitter.dispose();
  }

  // --- internals ------------------------------------------------------------------------

  private createClient(baseUrl: string, settings: ExtensionSettings): OneClawClient {
    return new OneClawClient({
      baseUrl,
      timeoutMs: settings.requestTimeoutSeconds * 1000,
      clock: this.clock,
      random: this.deps.random,
      logger: this.logger,
      userAgent: this.deps.userAgent,
      ...this.deps.clientOptions,
    });
  }

  private async onTokenEvent(event: TokenEvent, credentials: ActiveCredentials): Promise<void> {
    switch (event.kind) {
      case 'issued': {
        const first = this.session === undefined;
        if (first) {
          const session = await this.describeSession(event.token, credentials);
          if (!session || this.credentialsValue !== credentials) return;
          this.session = session;
          if (!session.agentName) void this.lookUpAgentName(credentials);
        } else {
          this.session = { ...this.session!, expiresAt: event.token.expiresAt, lastRefresh: this.clock.now() };
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
      case 'revoked':
        this.setState({
          kind: 'revoked',
          message: `1Claw refused the agent key (${sourceLabel(credentials.source)}): the agent was revoked, deleted or deactivated. Run "1Claw: Re-bootstrap Workspace Agent", or ask an administrator for a new key.`,
        });
        return;
      case 'failed':
        this.setState({ kind: 'error', message: event.error, nextStep: 'Check "1Claw: Show Log" for details; the extension retries every minute.' });
        return;
    }
  }

  /** First token: settle which vault we serve and its name (one vault listing). */
  private async describeSession(token: IssuedToken, credentials: ActiveCredentials): Promise<Session | undefined> {
    let vaultId = credentials.vaultId;
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
    let vaultName = credentials.vaultName;
    try {
      const vaults = await this.listVaults({ force: true });
      const vault = vaults.find((v) => v.id === vaultId);
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
    return {
      vaultId,
      vaultName,
      agentId: token.agentId ?? credentials.agentId,
      agentName: credentials.agentName,
      source: credentials.source,
      expiresAt: token.expiresAt,
      lastRefresh: this.clock.now(),
    };
  }

  /**
   * The variables carry no agent name; ask once, off the connect path, so the status shows a
   * name rather than a UUID. Failure only means the UUID stays.
   */
  private async lookUpAgentName(credentials: ActiveCredentials): Promise<void> {
    try {
      const self = await this.withToken((client, token) => client.getAgentSelf(token));
      if (!self.name || this.credentialsValue !== credentials || !this.session) return;
      this.session = { ...this.session, agentName: self.name };
      if (this.currentState.kind === 'connected') this.setState({ kind: 'connected', session: this.session });
    } catch (err) {
      this.logger.debug(`Could not look up the agent's name: ${describeError(err)}`);
    }
  }

  /** Keep our cache file and SecretStorage in step with whichever source we used. */
  private async migrateCache(credentials: ActiveCredentials): Promise<void> {
    if (credentials.source === 'environment' || credentials.source === 'cache-file' || !credentials.vaultId) return;
    try {
      await this.persistAgent({ agentKey: credentials.agentKey, vaultId: credentials.vaultId, agentId: credentials.agentId, vaultName: credentials.vaultName, agentName: credentials.agentName, baseUrl: this.endpointsValue?.apiBaseUrl });
      this.logger.info(`Copied the agent credentials from the ${sourceLabel(credentials.source)} to this extension's cache.`);
    } catch (err) {
      this.logger.warn(`Could not copy the credentials to the cache file: ${describeError(err)}`);
    }
  }

  private async persistAgent(agent: StoredAgent): Promise<void> {
    await writeCacheFile(this.deps.home, agent);
    await storeAgent(this.deps.secrets, agent);
  }

  /** The vault this workspace serves disappeared: say so, and stay so across token renewals. */
  private workspaceVaultGone(): void {
    const session = this.session;
    if (!session) return;
    const name = session.vaultName ? `"${session.vaultName}" ` : '';
    this.vaultProblem = `The vault ${name}(${session.vaultId}) no longer exists, or this agent lost access to it.`;
    this.setState({ kind: 'error', message: this.vaultProblem, nextStep: 'Run "1Claw: Re-bootstrap Workspace Agent", or ask an administrator to restore the vault.' });
  }

  private stopTokens(): void {
    this.generation++;
    this.tokenSubscription?.dispose();
    this.tokenSubscription = undefined;
    this.tokens?.dispose();
    this.tokens = undefined;
  }

  private forgetTemplateHumanKey(): void {
    delete this.env._ONECLAW_HUMAN_API_KEY;
    this.environment = { ...this.environment, humanKey: undefined };
  }

  private wasRevokedHere(agentKey: string): boolean {
    return (this.deps.memento.get<string[]>(REVOKED_FINGERPRINTS) ?? []).includes(fingerprint(agentKey));
  }

  private async rememberRevoked(agentKey: string): Promise<void> {
    const list = this.deps.memento.get<string[]>(REVOKED_FINGERPRINTS) ?? [];
    await this.deps.memento.update(REVOKED_FINGERPRINTS, [...new Set([...list, fingerprint(agentKey)])].slice(-20));
  }

  private setState(state: ConnectionState): void {
    if (this.disposed) return;
    this.currentState = state;
    this.logger.debug(`State: ${state.kind}${state.kind === 'bootstrapping' ? ` (${state.step})` : ''}`);
    this.stateEmitter.fire(state);
  }
}

/** A one-way fingerprint so we can recognise a revoked key without storing it. */
function fingerprint(agentKey: string): string {
  return createHash('sha256').update(agentKey).digest('hex').slice(0, 32);
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

function defaultAgentName(env: Readonly<Record<string, string | undefined>>, hostname: string | undefined): string {
  const owner = env.CODER_WORKSPACE_OWNER_NAME ?? env.CODER_USERNAME;
  const workspace = env.CODER_WORKSPACE_NAME ?? hostname ?? 'workspace';
  const raw = owner ? `coder-${owner}-${workspace}` : `coder-${workspace}`;
  return raw.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 64);
}

