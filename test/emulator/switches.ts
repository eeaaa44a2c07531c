// Behaviour switches: defaults, the free-tier preset, and validation of a
// partial update (a bad switch is a test bug, so it throws at once).
import { badRequest } from './problems';
import type { EmulatorSwitches } from './types';

export const FREE_TIER_LIMITS: EmulatorSwitches['resourceLimits'] = { vaults: 3, agents: 2, secrets: 50, tier: 'free' };

export const DEFAULT_SWITCHES: EmulatorSwitches = {
  policyRevocationStatus: 401,
  auditRefusesAgents: false,
  agentPolicyListing: 'own',
  devicePendingStatus: 200,
  deviceCodeExpiresInSeconds: 900,
  deviceCodeIntervalSeconds: 5,
  resourceLimits: { vaults: null, agents: null, secrets: null, tier: 'unlimited' },
};

const nonNegativeInteger = (value: unknown): boolean => typeof value === 'number' && Number.isInteger(value) && value >= 0;

function limitOk(value: unknown): boolean {
  return value === null || nonNegativeInteger(value);
}

/** Merges a partial update into `current`, validating every given field first. */
export function mergeSwitches(current: EmulatorSwitches, update: Partial<EmulatorSwitches>): EmulatorSwitches {
  const next: EmulatorSwitches = { ...current, resourceLimits: { ...current.resourceLimits }, ...update };
  if (next.policyRevocationStatus !== 401 && next.policyRevocationStatus !== 403) throw badRequest('policyRevocationStatus must be 401 or 403');
  if (typeof next.auditRefusesAgents !== 'boolean') throw badRequest('auditRefusesAgents must be a boolean');
  if (next.agentPolicyListing !== 'own' && next.agentPolicyListing !== 'forbidden') throw badRequest("agentPolicyListing must be 'own' or 'forbidden'");
  const pending = next.devicePendingStatus;
  if (!nonNegativeInteger(pending) || (pending !== 200 && (pending < 400 || pending > 599))) throw badRequest('devicePendingStatus must be 200 or a 4xx/5xx status');
  if (!nonNegativeInteger(next.deviceCodeExpiresInSeconds) || next.deviceCodeExpiresInSeconds < 1) throw badRequest('deviceCodeExpiresInSeconds must be a positive integer');
  if (!nonNegativeInteger(next.deviceCodeIntervalSeconds)) throw badRequest('deviceCodeIntervalSeconds must be a non-negative integer');
  const limits = next.resourceLimits;
  if (typeof limits !== 'object' || limits === null || !limitOk(limits.vaults) || !limitOk(limits.agents) || !limitOk(limits.secrets) || typeof limits.tier !== 'string') {
    throw badRequest('resourceLimits must be {vaults, agents, secrets: integer | null, tier: string}');
  }
  return next;
}
