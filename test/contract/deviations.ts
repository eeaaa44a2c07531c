// Every place where the emulator knowingly answers outside the OpenAPI
// document (SPEC 0.53.2) or differs from the newest official MCP server
// (1clawAI/1claw-mcp@3ff8ff1, 0.63.0), each with its source. The conformance
// suite consults STATUS_DEVIATIONS and EXTRA_FIELDS and fails on anything not
// listed; MCP_DEVIATIONS documents the MCP side (the MCP suite checks the rest).
// Sources: /work/shared/1claw/API-CONTRACT.md (section numbers below).
//
// Not a deviation (sources agree): a raw `1ck_` key is accepted as `Authorization: Bearer 1ck_…` on
// every authenticated route. DOCS llms.txt and glossary: user keys "work as Bearer tokens on all
// authenticated endpoints"; SPEC defines ApiKeyAuth ("1ck_ prefixed API key used as Bearer token")
// though no operation references it; 1claw-cli@47d364e sends ONECLAW_API_KEY as its bearer. The SDK
// still exchanges keys first. The Terraform module's provisioning relies on this (no auth-route call).
//
// Checker rule, not a deviation: a response the spec declares without `content`
// (e.g. 200 "Device code details") has an undescribed body, which is not checked;
// 204 must be empty.

export interface StatusDeviation {
  /** "METHOD /template", "*" for any operation, or "(no route)" for paths the spec does not have. */
  operation: string;
  status: number;
  reason: string;
}

/** Undeclared statuses; their bodies are validated as ProblemDetails. */
export const STATUS_DEVIATIONS: readonly StatusDeviation[] = [
  { operation: 'POST /v1/auth/refresh', status: 400, reason: 'DOCS api-reference + security audit: "Refresh tokens not yet implemented" (SPEC says 200/401; contract §1.3).' },
  { operation: 'POST /v1/vaults', status: 409, reason: 'DOCS error-codes: a vault name already exists in the org (contract §2).' },
  { operation: 'GET /v1/vaults/{vault_id}/secrets/{path}', status: 410, reason: 'DOCS read.md / fetch-secret.md: 410 Gone for expired, disabled or exhausted secrets; missing from SPEC (contract §3.2).' },
  { operation: '*', status: 400, reason: 'DOCS error-codes: malformed JSON, wrong field types, missing fields and non-UUID path ids are 400 even where SPEC declares no 400.' },
  { operation: '*', status: 401, reason: 'SPEC global BearerAuth implies 401 on every authenticated operation, but SPEC declares it on only a few (contract §0).' },
  { operation: '*', status: 403, reason: 'DOCS securing-access / error-codes: agent outside vault_ids, read without a policy, agent on a human-only route, resource_limit_exceeded, revoked token (switch); SPEC declares 403 only on /v1/agents/me.' },
  { operation: '*', status: 404, reason: 'DOCS error-codes: unknown vault/agent/policy ids on operations whose SPEC entry declares no 404 (e.g. policy list, agent create with unknown vault_ids).' },
  { operation: '*', status: 405, reason: 'A known path with a method that is not routed answers 405 with Allow, as the real (axum) router does; SPEC lists no 405.' },
  { operation: '*', status: 413, reason: 'DOCS request-pipeline: bodies over 5 MB get 413 (contract §9).' },
  { operation: '*', status: 415, reason: 'A body not declared as JSON on a JSON route is 415, as the real API\'s axum Json extractor answers; SPEC lists no 415.' },
  { operation: '*', status: 429, reason: 'DOCS llms.txt (auth routes 1/s burst 5), security audit (100/s burst 200 per IP), request-pipeline (Retry-After): every route is rate limited; SPEC declares 429 only on /v1/agents/enroll (contract §9, §12.3).' },
  { operation: '(no route)', status: 404, reason: 'Unknown routes get a 404 problem body.' },
];

export interface ExtraField {
  /** "METHOD /template", or "*" for every operation answering `status`. */
  operation: string;
  status: number;
  /** JSON paths in the body, e.g. "$.agent_id", "$.accepts[].asset". */
  fields: readonly string[];
  reason: string;
}

/** Response fields the emulator sends that SPEC schemas do not declare. */
export const EXTRA_FIELDS: readonly ExtraField[] = [
  {
    operation: 'POST /v1/auth/agent-token',
    status: 200,
    fields: ['$.agent_id', '$.vault_ids', '$.entitlements'],
    reason: 'The live TokenResponse is newer than SPEC: DOCS llms.txt ("returns agent_id and vault_ids for auto-discovery"); entitlements from vault >= 0.61.17 (1claw-mcp@3ff8ff1 src/client/core.ts) (contract §1.1, §12.2).',
  },
  {
    operation: '*',
    status: 402,
    fields: ['$.error', '$.accepts[].maxAmountRequired', '$.accepts[].resource', '$.accepts[].description', '$.accepts[].mimeType', '$.accepts[].maxTimeoutSeconds', '$.accepts[].asset'],
    reason: 'DOCS billing-and-usage.md @15753f0: the 402 body is x402 v1 ({x402Version, error, accepts[{scheme, network, maxAmountRequired, resource, payTo, maxTimeoutSeconds, asset, description, mimeType}], description}), newer than SPEC PaymentRequirement (contract §12.3).',
  },
];

export interface McpDeviation {
  subject: string;
  reason: string;
}

/** Where /mcp differs from the hosted server (1claw-mcp@3ff8ff1 src/core/server.ts, src/toolsets/vault.ts). */
export const MCP_DEVIATIONS: readonly McpDeviation[] = [
  {
    subject: 'tools',
    reason:
      'Ten of the vault toolset\'s nineteen tools (list_vaults, list_secrets, describe_secret, get_secret, put_secret, delete_secret, rotate_and_store, get_env_bundle, create_vault, grant_access); ' +
      'not list_versions, rotate_generate, list_child_agents, resolve_env, share_secret or the four OAuth tools, nor the approvals/inspect toolsets or the vault://secrets resource. ' +
      'X-1Claw-Toolsets and entitlements gate nothing (keyed into the admission cache only).',
  },
  {
    subject: 'transport',
    reason: 'Stateless streamable HTTP: POST only, JSON responses, no Mcp-Session-Id, no SSE stream; the hosted FastMCP httpStream server keeps sessions. Clients see the same tools and texts.',
  },
  {
    subject: 'refused admission',
    reason: 'HTTP 401 with a JSON-RPC error {code: -32000, message: <official text>}: the texts are 1claw-mcp\'s, the status and body shape are inferred from its HTTP layer (mcp-proxy), not confirmed.',
  },
  {
    subject: 'discovery',
    reason: 'No GET /.well-known/oauth-protected-resource and no GET /health beside /mcp (the hosted server has both).',
  },
  {
    subject: 'upstream calls',
    reason: 'Tools act on the emulator\'s state directly instead of calling the REST API: they count as exchanges, quota and audit events (details.via "mcp") but not as API requests, and the API\'s rate limits do not apply to them.',
  },
];

export function deviationFor(operation: string, status: number): StatusDeviation | undefined {
  return (
    STATUS_DEVIATIONS.find((d) => d.operation === operation && d.status === status) ??
    (operation === '(no route)' ? undefined : STATUS_DEVIATIONS.find((d) => d.operation === '*' && d.status === status))
  );
}

export function allowedExtraField(operation: string, status: number, field: string): boolean {
  return EXTRA_FIELDS.some((extra) => (extra.operation === operation || extra.operation === '*') && extra.status === status && extra.fields.includes(field));
}

/** Entries the conformance suite consults (the figure the issue asks to shrink). */
export function deviationCount(): number {
  return STATUS_DEVIATIONS.length + EXTRA_FIELDS.length;
}
