// Every place where the emulator knowingly answers outside the OpenAPI
// document, with the reason. The conformance suite consults this list and
// fails on anything not listed here. Sources: /work/shared/1claw/API-CONTRACT.md.

export interface StatusDeviation {
  /** "METHOD /template", "*" for any operation, or "(no route)" for paths the spec does not have. */
  operation: string;
  status: number;
  reason: string;
}

/** Undeclared statuses; their bodies are validated as ProblemDetails. */
export const STATUS_DEVIATIONS: readonly StatusDeviation[] = [
  { operation: 'POST /v1/auth/refresh', status: 400, reason: 'DOCS api-reference + security audit: "Refresh tokens not yet implemented" (SPEC says 200/401; contract §1.3).' },
  { operation: 'DELETE /v1/auth/token', status: 400, reason: 'Emulator: a raw 1ck_ bearer is accepted on the REST API but is not a token, so there is nothing to revoke.' },
  { operation: 'POST /v1/vaults', status: 409, reason: 'DOCS error-codes: vault name already exists in the org.' },
  { operation: 'GET /v1/vaults/{vault_id}/secrets/{path}', status: 410, reason: 'DOCS read.md / fetch-secret.md: 410 Gone for expired, disabled or exhausted secrets; missing from SPEC (contract §3.2).' },
  { operation: '*', status: 400, reason: 'Malformed JSON, wrong field types, missing fields and non-UUID path ids are 400 even where SPEC declares no 400.' },
  { operation: '*', status: 401, reason: 'Global BearerAuth implies 401 on every authenticated operation; SPEC declares it on only a few.' },
  { operation: '*', status: 403, reason: 'DOCS: agent outside vault_ids, agent without a policy, agent on a human-only route; SPEC declares 403 only on /v1/agents/me.' },
  { operation: '*', status: 404, reason: 'Unknown vault/agent/policy ids on operations whose SPEC entry declares no 404 (e.g. policy list, agent create with unknown vault_ids).' },
  { operation: '*', status: 405, reason: 'Known path, method not routed (with Allow).' },
  { operation: '*', status: 413, reason: 'DOCS request-pipeline: bodies over 5 MB get 413.' },
  { operation: '*', status: 415, reason: 'Emulator choice: a body not declared as JSON on a JSON route is 415 (real API is an axum Json extractor).' },
  { operation: '*', status: 429, reason: 'DOCS request-pipeline: rate limiting with Retry-After; the emulator sends 429 only from injected faults.' },
  { operation: '(no route)', status: 404, reason: 'Unknown routes get a 404 problem body.' },
];

export interface ExtraField {
  operation: string;
  status: number;
  /** JSON path in the body, e.g. "$.agent_id". */
  field: string;
  reason: string;
}

/** Response fields the emulator sends that SPEC schemas do not declare. */
export const EXTRA_FIELDS: readonly ExtraField[] = [
  { operation: 'POST /v1/auth/agent-token', status: 200, field: '$.agent_id', reason: 'DOCS llms.txt: "returns agent_id and vault_ids for auto-discovery"; the SDK reads it (contract §1.1).' },
  { operation: 'POST /v1/auth/agent-token', status: 200, field: '$.vault_ids', reason: 'Same as agent_id (contract §1.1).' },
];

export function deviationFor(operation: string, status: number): StatusDeviation | undefined {
  return (
    STATUS_DEVIATIONS.find((d) => d.operation === operation && d.status === status) ??
    (operation === '(no route)' ? undefined : STATUS_DEVIATIONS.find((d) => d.operation === '*' && d.status === status))
  );
}

export function allowedExtraField(operation: string, status: number, field: string): boolean {
  return EXTRA_FIELDS.some((extra) => extra.operation === operation && extra.status === status && extra.field === field);
}
