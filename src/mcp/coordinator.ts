/**
 * Keeps every enabled MCP registration in step with the connection: registers when connected,
 * renews an entry whenever what it carries changes (a token-bound entry on every refresh, any
 * entry when the vault or the agent key changes), and removes our entries when access ends
 * (revoked, not configured) or the user disconnects. One operation runs at a time; an entry
 * whose content did not change is not rewritten.
 */
import { createHash } from 'node:crypto';
import type { ConnectionState } from '../credentials/state';
import type { Disposable } from '../util/disposable';
import { DisposableStore } from '../util/disposable';
import type { Event } from '../util/events';
import { Emitter } from '../util/events';
import { describeError, type Logger } from '../util/log';
import type { McpConnection, McpRegistrar, RegistrationResult } from './registrar';

export interface ConnectionSource {
  /** Fires "connected" after every token issue too, which is when token-bound entries renew. */
  readonly onDidChangeState: Event<ConnectionState>;
  /** What registrations need, or undefined when there is no usable agent. */
  connection(): McpConnection | undefined;
}

export interface RegistrationStatus {
  /** What the result is of: registering the entry, or removing it. */
  action: 'register' | 'unregister';
  result: RegistrationResult;
}

export class McpCoordinator implements Disposable {
  private readonly store = new DisposableStore();
  private readonly changed: Emitter<void>;
  private queue: Promise<void> = Promise.resolve();
  private active = new Map<string, McpRegistrar>();
  /** A one-way digest of what each active registration carries, to skip rewriting identical entries. */
  private signatures = new Map<string, string>();
  private results = new Map<string, RegistrationStatus>();
  /** The last token each registration was told about (tokenIssued). */
  private announced = new Map<string, string>();
  private disconnected = false;
  private disposed = false;

  constructor(
    private readonly source: ConnectionSource,
    /** The registrars the current settings and host call for. */
    private readonly registrars: () => McpRegistrar[],
    private readonly logger: Logger,
    private readonly onProblem: (message: string) => void = () => undefined,
  ) {
    this.changed = new Emitter<void>(logger);
    this.store.add(source.onDidChangeState((state) => this.onState(state)));
    this.store.add(this.changed);
  }

  get onDidChange(): Event<void> {
    return this.changed.event;
  }

  /** Labels of the clients currently registered (for the status tooltip). */
  get registeredLabels(): string[] {
    return [...this.active.values()].map((registrar) => registrar.label);
  }

  get statuses(): RegistrationStatus[] {
    return [...this.results.values()];
  }

  /** The last outcome for one client (by registrar id), if any this session. */
  statusOf(id: string): RegistrationStatus | undefined {
    return this.results.get(id);
  }

  get isDisconnected(): boolean {
    return this.disconnected;
  }

  /** Resolves when every queued registration change has finished (after dispose: the one in flight). */
  settled(): Promise<void> {
    return this.queue;
  }

  /** Register everything the settings ask for (also the "Re-register MCP clients" command). */
  registerAll(): Promise<void> {
    this.disconnected = false;
    return this.enqueue(() => this.sync(true));
  }

  /** Remove every entry we made and stay disconnected until asked to register again. */
  disconnect(): Promise<void> {
    this.disconnected = true;
    return this.enqueue(() => this.removeAll());
  }

  /** Register what the settings ask for now (a client turned on or off, a client appeared): unchanged entries stay. */
  resync(): Promise<void> {
    return this.enqueue(() => this.sync(true));
  }

  /** Register (or re-register) one client now, whatever the pass would decide. */
  registerOne(registrar: McpRegistrar): Promise<void> {
    return this.enqueue(async () => {
      const connection = this.source.connection();
      if (this.disconnected || !connection) {
        this.results.set(registrar.id, { action: 'register', result: { ok: false, skipped: true, detail: `${registrar.label}: not registered: ${this.disconnected ? 'MCP clients are disconnected (run "1Claw: Re-register MCP Clients")' : '1Claw is not connected'}.` } });
        this.changed.fire();
        return;
      }
      await this.run(registrar, 'register', connection);
      await this.announceToken(registrar, connection);
    });
  }

  /** Remove one client's entry now, whether or not this session registered it. */
  unregisterOne(registrar: McpRegistrar): Promise<void> {
    return this.enqueue(() => this.run(registrar, 'unregister', undefined));
  }

  /** Settings changed: remove what we registered under the old settings, register under the new. */
  reset(): Promise<void> {
    return this.enqueue(async () => {
      await this.removeAll();
      await this.sync(true);
    });
  }

  /** Stops listening; work queued but not started is dropped (await settled() before removing what it writes to). */
  dispose(): void {
    this.disposed = true;
    this.store.dispose();
  }

  private onState(state: ConnectionState): void {
    if (state.kind === 'notConfigured' || state.kind === 'revoked') void this.enqueue(() => this.removeAll());
    else if (state.kind === 'connected') void this.enqueue(() => this.sync(false));
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(() => (this.disposed ? undefined : operation())).catch((err) => this.logger.error(`MCP registration failed: ${describeError(err)}`));
    return this.queue;
  }

  private async sync(force: boolean): Promise<void> {
    if (this.disconnected) return;
    const connection = this.source.connection();
    const wanted = new Map(this.registrars().map((r) => [r.id, r] as const));
    for (const [id, registrar] of this.active) {
      if (wanted.get(id) !== registrar) await this.run(registrar, 'unregister', undefined);
    }
    if (!connection) return;
    for (const registrar of wanted.values()) {
      if (force || this.signatures.get(registrar.id) !== signature(registrar, connection)) await this.run(registrar, 'register', connection);
    }
    for (const registrar of this.active.values()) await this.announceToken(registrar, connection);
  }

  /** Tell a registration of a token it has not seen (the helper's cache follows the editor's token). */
  private async announceToken(registrar: McpRegistrar, connection: McpConnection): Promise<void> {
    if (!registrar.tokenIssued || !connection.token || this.announced.get(registrar.id) === connection.token) return;
    this.announced.set(registrar.id, connection.token);
    try {
      await registrar.tokenIssued(connection);
    } catch (err) {
      this.logger.warn(`${registrar.label}: could not pass on the new token: ${describeError(err)}`);
    }
  }

  private async removeAll(): Promise<void> {
    // Also clear what the settings ask for now, in case an entry was made by an earlier session.
    const all = new Map([...this.registrars().map((r) => [r.id, r] as const), ...this.active]);
    for (const registrar of all.values()) await this.run(registrar, 'unregister', undefined);
  }

  private async run(registrar: McpRegistrar, action: 'register' | 'unregister', connection: McpConnection | undefined): Promise<void> {
    let result: RegistrationResult;
    try {
      result = action === 'register' ? await registrar.register(connection!) : await registrar.unregister();
    } catch (err) {
      result = { ok: false, detail: `${registrar.label}: ${describeError(err)}` };
    }
    if (action === 'register' && result.ok) {
      this.active.set(registrar.id, registrar);
      this.signatures.set(registrar.id, signature(registrar, connection!));
    }
    if (action === 'unregister') {
      this.active.delete(registrar.id);
      this.signatures.delete(registrar.id);
      this.announced.delete(registrar.id);
    }
    this.results.set(registrar.id, { action, result });
    if (result.ok) this.logger.info(result.detail);
    else {
      this.logger.warn(result.detail);
      this.onProblem(result.detail);
    }
    this.changed.fire();
  }
}

/** What a registration carries (the token only for entries that embed one), as a digest. */
function signature(registrar: McpRegistrar, connection: McpConnection): string {
  const token = registrar.tokenBound ? (connection.token ?? '') : '';
  return createHash('sha256').update([connection.url, connection.apiBaseUrl, connection.vaultId, connection.agentKey, String(connection.agentKeyFromEnv), connection.keyFile ?? '', token].join('\n')).digest('hex');
}
