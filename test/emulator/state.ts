// In-memory state of one emulated 1Claw org. Every mutation goes through a
// method here so that handlers can validate first and mutate last: a rejected
// request must change nothing.
import { createECDH, generateKeyPairSync } from 'node:crypto';
import { JwtSigner } from './jwt';
import { hashKey, newApiKey, newId } from './keys';
import { assertWritablePath } from './paths';
import { DeviceCodes } from './device';
import { Enrolments } from './enrolment';
import { conflict, notFound } from './problems';
import { Quota } from './quota';
import { LiveTokens } from './tokens';
import { DEFAULT_SWITCHES } from './switches';
import type { AgentRecord, AuditEvent, EmulatorSwitches, MailMessage, PolicyRecord, SecretRecord, VaultRecord } from './types';

export const AGENT_KEYS_VAULT = '__agent-keys';

export interface HumanRecord {
  id: string;
  orgId: string;
  email: string;
  createdAt: string;
}

/** Who did something: used for created_by fields and audit actors. */
export interface Actor {
  id: string;
  type: 'user' | 'agent' | 'system';
}

export const SYSTEM: Actor = { id: 'emulator', type: 'system' };

export interface NewAgent {
  name: string;
  description?: string;
  tokenTtlSeconds?: number | null;
  vaultIds?: string[];
  scopes?: string[];
  extra?: Record<string, unknown>;
  expiresAt?: string | null;
  apiKeyExpiresAt?: string | null;
  environment?: string | null;
  intentsApiEnabled?: boolean;
  shroudEnabled?: boolean;
}

export interface SecretWrite {
  value: string;
  type?: string;
  metadata?: Record<string, unknown>;
  expiresAt?: string | null;
  maxAccessCount?: number | null;
  disabled?: boolean;
}

export interface NewPolicy {
  vaultId: string;
  secretPathPattern: string;
  principalType: 'user' | 'agent';
  principalId: string;
  permissions: string[];
  conditions?: Record<string, unknown> | null;
  expiresAt?: string | null;
  effect?: 'allow' | 'deny';
  priority?: number;
  policySchemaVersion?: number;
  extra?: Record<string, unknown>;
}

/** Why a JWT stopped working before its exp. */
export type Revocation = 'logout' | 'policy';

export class EmulatorState {
  readonly org = { id: newId(), name: 'demo-org' };
  readonly signer = new JwtSigner();
  readonly humans = new Map<string, HumanRecord>();
  readonly agents = new Map<string, AgentRecord>();
  readonly vaults = new Map<string, VaultRecord>();
  readonly policies = new Map<string, PolicyRecord>();
  /** jti -> why it was revoked (DELETE /v1/auth/token, or a policy change for its agent). */
  readonly revokedJtis = new Map<string, Revocation>();
  private readonly liveAgentTokens = new LiveTokens();
  readonly audit: AuditEvent[] = [];
  switches: EmulatorSwitches = structuredClone(DEFAULT_SWITCHES);
  readonly quota = new Quota();
  readonly devices = new DeviceCodes();
  readonly enrolments = new Enrolments();
  readonly mail: MailMessage[] = [];
  /** The emulator's own URL (set once it listens): for verification and approval links. */
  publicUrl = '';
  /** vaultId -> path -> latest version. */
  private readonly secrets = new Map<string, Map<string, SecretRecord>>();
  private readonly humanByKeyHash = new Map<string, string>();
  private readonly agentByKeyHash = new Map<string, string>();
  /** Insertion-ordered plaintext of every credential, JWT and secret value ever issued. */
  private readonly canarySet = new Set<string>();

  clockSkewSeconds = 0;

  constructor(
    public agentTokenTtlSeconds: number,
    public humanTokenTtlSeconds: number,
  ) {}

  // ---- clock -------------------------------------------------------------

  nowMs(): number {
    return Date.now() + this.clockSkewSeconds * 1000;
  }

  nowIso(): string {
    return new Date(this.nowMs()).toISOString();
  }

  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /** True when an ISO timestamp is at or before the emulator clock. */
  isPast(iso: string | null): boolean {
    return iso !== null && Date.parse(iso) <= this.nowMs();
  }

  // ---- canaries and audit -----------------------------------------------

  /**
   * Values shorter than this are not remembered: a substring scan for "x" or
   * "" would flag every log line, so such values cannot serve as canaries.
   */
  static readonly MIN_CANARY_LENGTH = 8;

  remember(plaintext: string): void {
    if (plaintext.length >= EmulatorState.MIN_CANARY_LENGTH) this.canarySet.add(plaintext);
  }

  canaries(): string[] {
    return [...this.canarySet];
  }

  record(event: Omit<AuditEvent, 'id' | 'org_id' | 'created_at' | 'ip_address'> & { ip_address?: string }): void {
    this.audit.push({
      id: newId(),
      org_id: this.org.id,
      created_at: this.nowIso(),
      ...event,
      ip_address: event.ip_address ?? '127.0.0.1',
    });
  }

  // ---- humans -------------------------------------------------------------

  createHuman(email: string): { humanKey: string; userId: string } {
    const id = newId();
    const humanKey = newApiKey('1ck_');
    this.humans.set(id, { id, orgId: this.org.id, email, createdAt: this.nowIso() });
    this.humanByKeyHash.set(hashKey(humanKey), id);
    this.remember(humanKey);
    return { humanKey, userId: id };
  }

  /** The human with this email (case-insensitive), or the first human when no email is given. */
  humanByEmail(email: string | undefined): HumanRecord | undefined {
    const wanted = email?.toLowerCase();
    return [...this.humans.values()].find((human) => wanted === undefined || human.email.toLowerCase() === wanted);
  }

  humanByKey(key: string): HumanRecord | undefined {
    const id = this.humanByKeyHash.get(hashKey(key));
    return id === undefined ? undefined : this.humans.get(id);
  }

  // ---- vaults -------------------------------------------------------------

  vaultByName(name: string): VaultRecord | undefined {
    return [...this.vaults.values()].find((vault) => vault.name === name);
  }

  createVault(name: string, description: string, actor: Actor): VaultRecord {
    if (this.vaultByName(name) !== undefined) throw conflict(`A vault named "${name}" already exists in this org`);
    const vault: VaultRecord = {
      id: newId(),
      orgId: this.org.id,
      name,
      description,
      createdAt: this.nowIso(),
      createdBy: actor.id,
      createdByType: actor.type,
      internal: name === AGENT_KEYS_VAULT,
      mpcCustody: null,
    };
    this.vaults.set(vault.id, vault);
    this.secrets.set(vault.id, new Map());
    return vault;
  }

  deleteVault(id: string): VaultRecord {
    const vault = this.vaults.get(id);
    if (vault === undefined) throw notFound('Vault not found');
    this.vaults.delete(id);
    this.secrets.delete(id);
    for (const policy of [...this.policies.values()]) {
      if (policy.vaultId === id) this.policies.delete(policy.id);
    }
    return vault;
  }

  private agentKeysVault(): VaultRecord {
    return this.vaultByName(AGENT_KEYS_VAULT) ?? this.createVault(AGENT_KEYS_VAULT, 'Agent signing and ECDH keys (internal)', SYSTEM);
  }

  // ---- secrets ------------------------------------------------------------

  secretsIn(vaultId: string): SecretRecord[] {
    return [...(this.secrets.get(vaultId)?.values() ?? [])];
  }

  secret(vaultId: string, path: string): SecretRecord | undefined {
    return this.secrets.get(vaultId)?.get(path);
  }

  /** Creates version 1 or the next version. `raw` skips path syntax checks (odd-character tests). */
  putSecret(vaultId: string, path: string, write: SecretWrite, actor: Actor, raw = false): SecretRecord {
    const bucket = this.secrets.get(vaultId);
    if (bucket === undefined) throw notFound('Vault not found');
    if (!raw) assertWritablePath(path);
    const previous = bucket.get(path);
    const record: SecretRecord = {
      id: previous?.id ?? newId(),
      vaultId,
      path,
      type: write.type ?? 'generic',
      value: write.value,
      version: (previous?.version ?? 0) + 1,
      metadata: write.metadata ?? {},
      createdAt: this.nowIso(),
      expiresAt: write.expiresAt ?? null,
      disabled: write.disabled ?? false,
      maxAccessCount: write.maxAccessCount ?? null,
      accessCount: 0,
      createdBy: actor.id,
    };
    bucket.set(path, record);
    this.remember(write.value);
    return record;
  }

  deleteSecret(vaultId: string, path: string): SecretRecord {
    const bucket = this.secrets.get(vaultId);
    const existing = bucket?.get(path);
    if (bucket === undefined || existing === undefined) throw notFound('Secret not found');
    bucket.delete(path);
    return existing;
  }

  // ---- agents -------------------------------------------------------------

  /** Deleted agents stay in the map (their JWTs outlive them) but are invisible to look-ups. */
  liveAgent(id: string): AgentRecord | undefined {
    const agent = this.agents.get(id);
    return agent === undefined || agent.deleted ? undefined : agent;
  }

  agentByKey(key: string): AgentRecord | undefined {
    const id = this.agentByKeyHash.get(hashKey(key));
    return id === undefined ? undefined : this.liveAgent(id);
  }

  createAgent(input: NewAgent, actor: Actor): { agent: AgentRecord; apiKey: string } {
    for (const vaultId of input.vaultIds ?? []) {
      if (!this.vaults.has(vaultId)) throw notFound(`vault_ids: vault ${vaultId} not found`);
    }
    const keysVault = this.agentKeysVault();
    const id = newId();
    const ssh = generateKeyPairSync('ed25519');
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const agent: AgentRecord = {
      id,
      orgId: this.org.id,
      name: input.name,
      description: input.description ?? '',
      isActive: true,
      deleted: false,
      extra: { ...(input.extra ?? {}) },
      tokenTtlSeconds: input.tokenTtlSeconds ?? null,
      vaultIds: [...(input.vaultIds ?? [])],
      scopes: [...(input.scopes ?? [])],
      createdAt: this.nowIso(),
      createdBy: actor.id,
      expiresAt: input.expiresAt ?? null,
      apiKeyExpiresAt: input.apiKeyExpiresAt ?? null,
      environment: input.environment ?? null,
      intentsApiEnabled: input.intentsApiEnabled ?? false,
      shroudEnabled: input.shroudEnabled ?? false,
      sshPublicKey: ssh.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64'),
      ecdhPublicKey: ecdh.getPublicKey().toString('base64'),
      lastActiveAt: null,
    };
    this.agents.set(id, agent);
    // The real API keeps each agent's private keys in the org's __agent-keys vault.
    const sshPem = String(ssh.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    this.putSecret(keysVault.id, `agents/${id}/ssh-private-key`, { value: sshPem, type: 'private_key' }, SYSTEM);
    this.putSecret(keysVault.id, `agents/${id}/ecdh-private-key`, { value: ecdh.getPrivateKey('base64'), type: 'private_key' }, SYSTEM);
    return { agent, apiKey: this.issueAgentKey(agent) };
  }

  /** Replaces the agent's key: the previous one is refused from now on. */
  issueAgentKey(agent: AgentRecord): string {
    for (const [hash, agentId] of [...this.agentByKeyHash]) {
      if (agentId === agent.id) this.agentByKeyHash.delete(hash);
    }
    const apiKey = newApiKey('ocv_');
    this.agentByKeyHash.set(hashKey(apiKey), agent.id);
    this.remember(apiKey);
    return apiKey;
  }

  deleteAgent(id: string): AgentRecord {
    const agent = this.liveAgent(id);
    if (agent === undefined) throw notFound('Agent not found');
    agent.deleted = true;
    agent.isActive = false;
    for (const [hash, agentId] of [...this.agentByKeyHash]) {
      if (agentId === id) this.agentByKeyHash.delete(hash);
    }
    return agent;
  }

  agentVisibleList(): AgentRecord[] {
    return [...this.agents.values()].filter((agent) => !agent.deleted);
  }

  // ---- policies -----------------------------------------------------------

  createPolicy(input: NewPolicy, actor: Actor): PolicyRecord {
    const policy: PolicyRecord = {
      id: newId(),
      vaultId: input.vaultId,
      secretPathPattern: input.secretPathPattern,
      principalType: input.principalType,
      principalId: input.principalId,
      permissions: [...input.permissions],
      conditions: input.conditions ?? null,
      expiresAt: input.expiresAt ?? null,
      effect: input.effect ?? 'allow',
      priority: input.priority ?? 0,
      createdAt: this.nowIso(),
      createdBy: actor.id,
      createdByType: actor.type,
      policySchemaVersion: input.policySchemaVersion ?? 2,
      extra: { ...(input.extra ?? {}) },
    };
    this.policies.set(policy.id, policy);
    return policy;
  }

  // ---- agent tokens (revocation on policy change) -----------------------

  trackAgentToken(agentId: string, jti: string, exp: number): void {
    this.liveAgentTokens.track(agentId, jti, exp, this.nowSeconds());
  }

  /** DOCS securing-access: a policy change for an agent revokes all its live JWTs. Returns how many. */
  revokeAgentTokens(agentId: string): number {
    const live = this.liveAgentTokens.drain(agentId, this.nowSeconds()).filter((jti) => !this.revokedJtis.has(jti));
    for (const jti of live) this.revokedJtis.set(jti, 'policy');
    return live.length;
  }

  // ---- the emulated email service ----------------------------------------

  sendMail(message: Omit<MailMessage, 'at'>): void {
    this.mail.push({ ...message, at: this.nowIso() });
  }

  /** Live, unexpired policies of one agent, optionally in one vault. */
  agentPolicies(agentId: string, vaultId?: string): PolicyRecord[] {
    return [...this.policies.values()].filter(
      (policy) =>
        policy.principalType === 'agent' &&
        policy.principalId === agentId &&
        (vaultId === undefined || policy.vaultId === vaultId) &&
        !this.isPast(policy.expiresAt),
    );
  }

  replaceAgentPolicies(vaultId: string, agentId: string, patterns: string[], permissions: string[]): PolicyRecord[] {
    if (!this.vaults.has(vaultId)) throw notFound('Vault not found');
    if (!this.agents.has(agentId)) throw notFound('Agent not found');
    for (const policy of [...this.policies.values()]) {
      if (policy.vaultId === vaultId && policy.principalType === 'agent' && policy.principalId === agentId) {
        this.policies.delete(policy.id);
      }
    }
    return patterns.map((pattern) =>
      this.createPolicy({ vaultId, secretPathPattern: pattern, principalType: 'agent', principalId: agentId, permissions }, SYSTEM),
    );
  }
}
