/**
 * First-boot bootstrap: turn a human credential — a `1ck_` key (exchanged once) or a human
 * session already issued (the Coder module's one-time session, or a device sign-in) — into a
 * workspace agent bound to one vault with a narrow policy. The session is revoked at the end
 * whatever happened. When a step fails, everything this run created is removed again, so no
 * agent or policy is orphaned, and the error names the step.
 */
import type { OneClawClient } from '../api/client';
import { ApiError, OneClawError, isTransient } from '../api/errors';
import type { Vault } from '../api/schemas';
import { randomBytes } from 'node:crypto';
import { describeError, silentLogger, type Logger } from '../util/log';
import { registerSecret } from '../util/redact';
import type { StoredAgentRecord } from './agentRecord';
import { instanceMarker } from './home';

/** Who authorises the enrolment. A device sign-in produces a `session` too. */
export type HumanCredential = { kind: 'key'; key: string } | { kind: 'session'; token: string; origin: 'template' | 'device' };

export interface BootstrapOptions {
  vaultName: string;
  /** Use this vault (the template names it) instead of finding or creating one by name. */
  vaultId?: string;
  agentName: string;
  policyPath: string;
  permissions: string[];
  tokenTtlSeconds?: number;
  description?: string;
  /** This workspace's identity: agents carrying its marker are ours (and only those are replaced). */
  instanceId: string;
}

export interface BootstrapResult {
  agent: StoredAgentRecord & { agentId: string; vaultName: string; agentName: string };
  /** Agents this run replaced (deleted after the new one was in place). */
  replacedAgentIds: string[];
  warnings: string[];
}

export type BootstrapStep = 'sign in' | 'find or create vault' | 'create agent' | 'create policy' | 'store credentials' | 'retire previous agent' | 'sign out';

export class BootstrapError extends OneClawError {
  constructor(
    readonly step: BootstrapStep,
    readonly failure: unknown,
    readonly rollback: string[],
  ) {
    const undone = rollback.length ? ` Undone: ${rollback.join('; ')}.` : '';
    super(`Bootstrap failed at "${step}": ${describeError(failure)}.${undone}`);
  }
}

export interface BootstrapHooks {
  onStep?: (step: BootstrapStep) => void;
  /** Persist the new credentials; a failure here rolls the whole bootstrap back. */
  persist: (result: BootstrapResult) => Promise<void>;
  /** Agent ids to replace: the agent we were using before (re-bootstrap). */
  previousAgentIds?: string[];
  logger?: Logger;
}

type Client = Pick<
  OneClawClient,
  'baseUrl' | 'exchangeHumanKey' | 'revokeToken' | 'listVaults' | 'createVault' | 'deleteVault' | 'createAgent' | 'listAgents' | 'deleteAgent' | 'createPolicy' | 'listPolicies' | 'deletePolicy'
>;

export async function bootstrapWorkspaceAgent(client: Client, human: HumanCredential, options: BootstrapOptions, hooks: BootstrapHooks): Promise<BootstrapResult> {
  const logger = hooks.logger ?? silentLogger;
  const step = (name: BootstrapStep) => {
    logger.info(`Bootstrap: ${name}.`);
    hooks.onStep?.(name);
  };

  step('sign in');
  const humanToken = await signIn(client, human);
  const undo: Array<{ label: string; run: () => Promise<void> }> = [];
  let current: BootstrapStep = 'find or create vault';
  try {
    step(current);
    const { vault, created } = await findOrCreateVault(client, humanToken, options);
    if (created) undo.push({ label: `deleted vault "${vault.name}"`, run: () => client.deleteVault(humanToken, vault.id) });

    current = 'create agent';
    step(current);
    const agentCreated = await createAgent(client, humanToken, vault.id, options, logger);
    const agent = agentCreated.agent;
    undo.push({ label: `deleted agent "${agent.name}"`, run: () => client.deleteAgent(humanToken, agent.id) });
    if (!agentCreated.api_key) throw new OneClawError('the API created the agent but returned no api_key');
    registerSecret(agentCreated.api_key);

    current = 'create policy';
    step(current);
    const policyInput = { secret_path_pattern: options.policyPath, principal_type: 'agent' as const, principal_id: agent.id, permissions: options.permissions };
    const policy = await client.createPolicy(humanToken, vault.id, policyInput).catch(async (err: unknown) => {
      // A lost answer may hide a policy that was created: adopt it rather than fail or duplicate.
      if (!isTransient(err)) throw err;
      const landed = (await client.listPolicies(humanToken, vault.id)).find((p) => p.principal_id === agent.id && p.secret_path_pattern === options.policyPath);
      if (!landed) throw err;
      return landed;
    });
    undo.push({ label: `deleted policy ${policy.id}`, run: () => client.deletePolicy(humanToken, vault.id, policy.id) });

    const result: BootstrapResult = {
      agent: { agentKey: agentCreated.api_key, vaultId: vault.id, vaultName: vault.name, agentId: agent.id, agentName: agent.name, baseUrl: client.baseUrl },
      replacedAgentIds: [],
      warnings: [],
    };

    current = 'store credentials';
    step(current);
    await hooks.persist(result);
    undo.length = 0; // committed: nothing to roll back from here on

    current = 'retire previous agent';
    const previous = await agentsToReplace(client, humanToken, vault.id, agent.id, options.instanceId, hooks.previousAgentIds ?? []);
    if (previous.length) step(current);
    for (const oldId of previous) {
      try {
        await retireAgent(client, humanToken, vault.id, oldId);
        result.replacedAgentIds.push(oldId);
      } catch (err) {
        if (err instanceof ApiError && err.isNotFound) continue; // already gone
        result.warnings.push(`The previous agent ${oldId} could not be deleted (${describeError(err)}); an administrator should delete it.`);
      }
    }
    return result;
  } catch (err) {
    const undone = await rollBack(undo, logger);
    throw new BootstrapError(current, err, undone);
  } finally {
    step('sign out');
    try {
      await client.revokeToken(humanToken);
    } catch (err) {
      logger.warn(`Could not revoke the human session token (${describeError(err)}); it expires on its own within its lifetime.`);
    }
  }
}

/** The human session: an exchange of the key, or the session given (the seam a device sign-in feeds). */
async function signIn(client: Client, human: HumanCredential): Promise<string> {
  if (human.kind === 'session') {
    registerSecret(human.token);
    return human.token;
  }
  registerSecret(human.key);
  try {
    const token = (await client.exchangeHumanKey(human.key)).access_token;
    registerSecret(token);
    return token;
  } catch (err) {
    throw new BootstrapError('sign in', explainSignIn(err), []);
  }
}

async function findOrCreateVault(client: Client, token: string, options: BootstrapOptions): Promise<{ vault: Vault; created: boolean }> {
  const vaults = await client.listVaults(token).catch((err: unknown) => {
    throw explainSession(err);
  });
  if (options.vaultId) {
    const named = vaults.find((vault) => vault.id === options.vaultId);
    if (!named) throw new OneClawError(`the vault ${options.vaultId} the template names does not exist or is not visible with this sign-in`);
    return { vault: named, created: false };
  }
  const existing = vaults.find((vault) => vault.name === options.vaultName);
  if (existing) return { vault: existing, created: false };
  try {
    return { vault: await client.createVault(token, { name: options.vaultName }), created: true };
  } catch (err) {
    // Another workspace may have created it between our list and our create, or our create
    // landed and its answer was lost: either way, the vault now exists under that name.
    if ((err instanceof ApiError && err.status === 409) || isTransient(err)) {
      const raced = (await client.listVaults(token)).find((vault) => vault.name === options.vaultName);
      if (raced) return { vault: raced, created: false };
    }
    throw err;
  }
}

/**
 * Create the agent with our marker and a per-run nonce in its description. If the answer is lost,
 * an agent created by this run is found by the nonce and deleted (its key was in the lost
 * answer), and creation is tried once more.
 */
async function createAgent(client: Client, token: string, vaultId: string, options: BootstrapOptions, logger: Logger): ReturnType<Client['createAgent']> {
  const nonce = `run:${randomBytes(8).toString('hex')}`;
  const description = `${options.description ?? 'Workspace agent created by 1Claw'} ${instanceMarker(options.instanceId)} (${nonce})`;
  const input = { name: options.agentName, description, vault_ids: [vaultId], ...(options.tokenTtlSeconds ? { token_ttl_seconds: options.tokenTtlSeconds } : {}) };
  try {
    return await client.createAgent(token, input);
  } catch (err) {
    if (!isTransient(err)) throw err;
    const landed = (await client.listAgents(token)).filter((a) => a.description?.includes(`(${nonce})`));
    for (const agent of landed) await client.deleteAgent(token, agent.id);
    logger.warn(`Creating the agent failed (${describeError(err)}); ${landed.length ? 'removed the agent the lost answer created and ' : ''}trying once more.`);
    return client.createAgent(token, input);
  }
}

/**
 * Re-running the bootstrap must end in the same state (one agent per workspace): the agent we
 * used before, and earlier agents bound to exactly this vault that carry THIS workspace's
 * marker (a run that crashed before storing its key), are replaced. Never by name alone: two
 * people with the same host name must not delete each other's agent.
 */
async function agentsToReplace(client: Client, token: string, vaultId: string, newAgentId: string, instanceId: string, previous: string[]): Promise<string[]> {
  const ids = new Set(previous);
  const marker = instanceMarker(instanceId);
  try {
    for (const agent of await client.listAgents(token)) {
      const boundHereOnly = agent.vault_ids?.length === 1 && agent.vault_ids[0] === vaultId;
      if (boundHereOnly && agent.description?.includes(marker)) ids.add(agent.id);
    }
  } catch {
    // Listing is a convenience for cleanup; the known previous agent is still replaced.
  }
  ids.delete(newAgentId);
  return [...ids];
}

/** Delete an agent and the policies it held in this vault (deleting the agent revokes its key). */
export async function retireAgent(client: Pick<Client, 'listPolicies' | 'deletePolicy' | 'deleteAgent'>, token: string, vaultId: string | undefined, agentId: string): Promise<void> {
  const policies = vaultId ? await client.listPolicies(token, vaultId).catch(() => []) : [];
  for (const policy of policies) {
    if (policy.principal_type === 'agent' && policy.principal_id === agentId) {
      await client.deletePolicy(token, vaultId!, policy.id).catch(() => undefined);
    }
  }
  await client.deleteAgent(token, agentId);
}

async function rollBack(undo: Array<{ label: string; run: () => Promise<void> }>, logger: Logger): Promise<string[]> {
  const done: string[] = [];
  for (const action of undo.reverse()) {
    try {
      await action.run();
      done.push(action.label);
    } catch (err) {
      if (err instanceof ApiError && err.isNotFound) {
        done.push(action.label);
        continue;
      }
      logger.error(`Rollback could not complete "${action.label}": ${describeError(err)}`);
      done.push(`FAILED to undo: ${action.label} (${describeError(err)}) — delete it in the 1Claw dashboard`);
    }
  }
  return done;
}

function explainSignIn(err: unknown): unknown {
  if (err instanceof ApiError && err.isUnauthorized) {
    return new OneClawError('1Claw refused the human API key (401). Check that it is a current 1ck_ key from the 1Claw dashboard');
  }
  return err;
}

/** A session refused at its first use was already used (revoked) or has expired. */
function explainSession(err: unknown): unknown {
  if (err instanceof ApiError && err.isUnauthorized) {
    return new SessionRefusedError('1Claw refused the human session (401): it was already used by another enrolment, or it expired');
  }
  return err;
}

export class SessionRefusedError extends OneClawError {}
