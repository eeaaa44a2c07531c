// Fault injection: matched before auth, first match in insertion order wins,
// each firing decrements `count` and an exhausted fault is removed.
import { matchRoute } from './glob';
import { badRequest } from './problems';
import type { FaultSpec } from './types';

export interface ActiveFault {
  id: string;
  spec: FaultSpec;
  remaining: number;
}

export class FaultTable {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): string {
    validateFault(spec);
    const id = `fault-${this.nextId}`;
    this.nextId += 1;
    this.faults.push({ id, spec: { ...spec }, remaining: spec.count ?? Number.POSITIVE_INFINITY });
    return id;
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    return this.faults.map((fault) => ({ ...fault, spec: { ...fault.spec } }));
  }

  /** Consumes one firing of the first matching fault, if any. */
  take(method: string, pathname: string): ActiveFault | undefined {
    const fault = this.faults.find((candidate) => matchRoute(candidate.spec.route, method, pathname));
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return fault;
  }
}

/** Rejects specs that could never fire or would hang a test forever. */
export function validateFault(spec: FaultSpec): void {
  if (typeof spec.route !== 'string' || spec.route.trim() === '') throw badRequest("Fault 'route' must be a non-empty string");
  if (spec.status !== undefined && (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 599)) {
    throw badRequest("Fault 'status' must be an HTTP status code");
  }
  if (spec.delayMs !== undefined && (!Number.isFinite(spec.delayMs) || spec.delayMs < 0 || spec.delayMs > 600_000)) {
    throw badRequest("Fault 'delayMs' must be between 0 and 600000");
  }
  if (spec.count !== undefined && (!Number.isInteger(spec.count) || spec.count < 1)) throw badRequest("Fault 'count' must be a positive integer");
  if (spec.retryAfterSeconds !== undefined && (!Number.isInteger(spec.retryAfterSeconds) || spec.retryAfterSeconds < 0)) {
    throw badRequest("Fault 'retryAfterSeconds' must be a non-negative integer");
  }
  for (const key of ['body', 'bodyBase64', 'contentType'] as const) {
    if (spec[key] !== undefined && typeof spec[key] !== 'string') throw badRequest(`Fault '${key}' must be a string`);
  }
  for (const key of ['drop', 'passThrough'] as const) {
    if (spec[key] !== undefined && typeof spec[key] !== 'boolean') throw badRequest(`Fault '${key}' must be a boolean`);
  }
}

/**
 * What a firing does:
 *  - drop: (after delayMs) destroy the socket, no response;
 *  - passThrough, or neither status nor drop given: (after delayMs) serve normally;
 *  - otherwise (after delayMs) answer `status` with `bodyBase64`/`body`, or a
 *    problem body when neither is given, plus Retry-After when set.
 */
export type FaultAction = { kind: 'drop' } | { kind: 'pass' } | { kind: 'respond'; status: number };

export function faultAction(spec: FaultSpec): FaultAction {
  if (spec.drop === true) return { kind: 'drop' };
  if (spec.passThrough === true || spec.status === undefined) return { kind: 'pass' };
  return { kind: 'respond', status: spec.status };
}
