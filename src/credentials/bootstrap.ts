/**
 * First-boot bootstrap: turn a human `1ck_` key into a workspace agent bound to one vault with
 * a narrow policy. The human key is exchanged once; its JWT is revoked at the end whatever
 * happened. When a step fails, everything this run created is removed again, so no agent or
 * policy is orphaned, and the error names the step.
 */
import type { OneClawClient } from '../api/client';
import { ApiError, OneClawError } from '../api/errors';
import type { Vault } from '../api/schemas';
import { describeError, silentLogger, type Logger } from '../util/log';

export interface BootstrapOptions {
  vaultName: string;
  agentName: string;
  policyPath: string;
  permissions: string[];
  tokenTtlSeconds?: number;
  description?: string;
}

export interface BootstrapResult {
  vaultId: string;
  vaultName: string;
  agentId: string;
  agentName: string;
  agentKey: string;
  policyId: string;
  createdVault: boolean;
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
  'exchangeHumanKey' | 'revokeToken' | 'listVaults' | 'createVault' | 'deleteVault' | 'createAgent' | 'listAgents' | 'deleteAgent' | 'createPolicy' | 'listPolicies' | 'deletePolicy'
>;

export async function bootstrapWorkspaceAgent(client: Client, humanKey: string, options: BootstrapOptions, hooks: BootstrapHooks): Promise<BootstrapResult> {
  const logger = hooks.logger ?? silentLogger;
  const step = (name: BootstrapStep) => {
    logger.info(`Bootstrap: ${name}.`);
    hooks.onStep?.(name);
  };

  step('sign in');
  let humanToken: string;
  try {
    humanToken = (await client.exchangeHumanKey(humanKey)).access_token;
  } catch (err) {
    throw new BootstrapError('sign in', explainSignIn(err), []);
  }

  const undo: Array<{ label: string; run: () => Promise<void> }> = [];
  let current: BootstrapStep = 'find or create vault';
  try {
    step(current);
    const { vault, created } = await findOrCreateVault(client, humanToken, options.vaultName);
    if (created) undo.push({ label: `deleted vault "${vault.name}"`, run: () => client.deleteVault(humanToken, vault.id) });

    current = 'create agent';
    step(current);
    const agentCreated = await client.createAgent(humanToken, {
      name: options.agentName,
      description: options.description ?? 'Workspace agent created by the 1Claw extension',
      vault_ids: [vault.id],
      ...(options.tokenTtlSeconds ? { token_ttl_seconds: options.tokenTtlSeconds } : {}),
    });
    const agent = agentCreated.agent;
    undo.push({ label: `deleted agent "${agent.name}"`, run: () => client.deleteAgent(humanToken, agent.id) });
    if (!agentCreated.api_key) throw new OneClawError('the API created the agent but returned no api_key');

    current = 'create policy';
    step(current);
    const policy = await client.createPolicy(humanToken, vault.id, {
      secret_path_pattern: options.policyPath,
      principal_type: 'agent',
      principal_id: agent.id,
      permissions: options.permissions,
    });
    undo.push({ label: `deleted policy ${policy.id}`, run: () => client.deletePolicy(humanToken, vault.id, policy.id) });

    const result: BootstrapResult = {
      vaultId: vault.id,
      vaultName: vault.name,
      agentId: agent.id,
      agentName: agent.name,
      agentKey: agentCreated.api_key,
      policyId: policy.id,
      createdVault: created,
      replacedAgentIds: [],
      warnings: [],
    };

    current = 'store credentials';
    step(current);
    await hooks.persist(result);
    undo.length = 0; // committed: nothing to roll back from here on

    current = 'retire previous agent';
    const previous = await agentsToReplace(client, humanToken, vault.id, agent.id, options.agentName, hooks.previousAgentIds ?? []);
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

async function findOrCreateVault(client: Client, token: string, name: string): Promise<{ vault: Vault; created: boolean }> {
  const existing = (await client.listVaults(token)).find((vault) => vault.name === name);
  if (existing) return { vault: existing, created: false };
  try {
    return { vault: await client.createVault(token, { name }), created: true };
  } catch (err) {
    // Another workspace may have created it between our list and our create.
    if (err instanceof ApiError && err.status === 409) {
      const raced = (await client.listVaults(token)).find((vault) => vault.name === name);
      if (raced) return { vault: raced, created: false };
    }
    throw err;
  }
}

/**
 * Re-running the bootstrap must end in the same state (one agent per workspace): the agent we
 * used before, and earlier agents of the same name bound to exactly this vault (a previous run
 * that crashed before storing its key), are replaced by the new one.
 */
async function agentsToReplace(client: Client, token: string, vaultId: string, newAgentId: string, name: string, previous: string[]): Promise<string[]> {
  const ids = new Set(previous);
  try {
    for (const agent of await client.listAgents(token)) {
      const boundHereOnly = agent.vault_ids?.length === 1 && agent.vault_ids[0] === vaultId;
      if (agent.name === name && boundHereOnly) ids.add(agent.id);
    }
  } catch {
    // Listing is a convenience for cleanup; the known previous agent is still replaced.
  }
  ids.delete(newAgentId);
  return [...ids];
}

/** Delete an agent and the policies it held in this vault (deleting the agent revokes its key). */
async function retireAgent(client: Client, token: string, vaultId: string, agentId: string): Promise<void> {
  const policies = await client.listPolicies(token, vaultId).catch(() => []);
  for (const policy of policies) {
    if (policy.principal_type === 'agent' && policy.principal_id === agentId) {
      await client.deletePolicy(token, vaultId, policy.id).catch(() => undefined);
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
