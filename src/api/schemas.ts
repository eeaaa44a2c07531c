/**
 * zod schemas for the 1Claw responses the extension reads. Objects are tolerant of extra
 * fields (the live API is newer than the spec) and strict on the fields we use. Unknown
 * fields are stripped on parse — so a `value` a hostile server slipped into a listing
 * never reaches the extension's memory beyond the parser.
 */
import * as z from 'zod/mini';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const nonEmpty = () => z.string().check(z.minLength(1));
const id = () => z.string().check(z.regex(UUID_PATTERN));
const optionalText = () => z.optional(z.nullable(z.string()));

export const TokenResponseSchema = z.object({
  access_token: nonEmpty(),
  token_type: z.string(),
  expires_in: z.optional(z.nullable(z.number().check(z.int(), z.positive()))),
  // Not in the spec, returned by the live API and used by the official SDK for discovery.
  agent_id: z.optional(z.nullable(z.string())),
  vault_ids: z.optional(z.nullable(z.array(z.string()))),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

export const VaultSchema = z.object({
  id: id(),
  name: z.string(),
  created_at: z.string(),
  description: optionalText(),
  created_by: optionalText(),
  created_by_type: optionalText(),
});
export type Vault = z.infer<typeof VaultSchema>;
// The spec marks no list field as required: an absent list is an empty one.
export const VaultListSchema = z.object({ vaults: z.optional(z.nullable(z.array(VaultSchema))) });

/** Secret metadata. There is deliberately no `value` field: the extension never holds one. */
export const SecretMetadataSchema = z.object({
  id: z.string(),
  path: z.string(),
  type: z.string(),
  version: z.number().check(z.int()),
  metadata: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  created_at: z.string(),
  expires_at: optionalText(),
  is_disabled: z.optional(z.nullable(z.boolean())),
});
export type SecretMetadata = z.infer<typeof SecretMetadataSchema>;
export const SecretListSchema = z.object({ secrets: z.optional(z.nullable(z.array(SecretMetadataSchema))) });

export const AgentSchema = z.object({
  id: id(),
  name: z.string(),
  is_active: z.optional(z.boolean()),
  created_at: z.optional(z.string()),
  description: optionalText(),
  token_ttl_seconds: z.optional(z.nullable(z.number().check(z.int()))),
  vault_ids: z.optional(z.nullable(z.array(z.string()))),
  expires_at: optionalText(),
});
export type Agent = z.infer<typeof AgentSchema>;
export const AgentListSchema = z.object({ agents: z.optional(z.nullable(z.array(AgentSchema))) });

export const AgentCreatedSchema = z.object({
  agent: AgentSchema,
  api_key: z.optional(z.nullable(z.string())),
});
export type AgentCreated = z.infer<typeof AgentCreatedSchema>;

/** `/v1/agents/me`: nothing is required by the spec; we read only id and name. */
export const AgentSelfSchema = z.object({
  id: z.optional(z.string()),
  name: z.optional(z.string()),
  org_id: z.optional(z.nullable(z.string())),
  is_active: z.optional(z.nullable(z.boolean())),
  expires_at: optionalText(),
});
export type AgentSelf = z.infer<typeof AgentSelfSchema>;

export const PolicySchema = z.object({
  id: z.string(),
  vault_id: z.string(),
  secret_path_pattern: z.string(),
  principal_type: z.string(),
  principal_id: z.string(),
  permissions: z.array(z.string()),
  created_at: z.optional(z.string()),
  expires_at: optionalText(),
  /** `allow` (the default) or `deny`. */
  effect: optionalText(),
});
export type Policy = z.infer<typeof PolicySchema>;
export const PolicyListSchema = z.object({ policies: z.optional(z.nullable(z.array(PolicySchema))) });

export const AuditEventSchema = z.object({
  id: z.optional(z.nullable(z.string())),
  action: z.optional(z.nullable(z.string())),
  actor_id: z.optional(z.nullable(z.string())),
  actor_type: z.optional(z.nullable(z.string())),
  resource_type: z.optional(z.nullable(z.string())),
  resource_id: z.optional(z.nullable(z.string())),
  created_at: z.optional(z.nullable(z.string())),
  // Read only through the audit view's allow-list of keys (path, vault, reason…), never whole.
  details: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;
export const AuditEventsSchema = z.object({
  events: z.optional(z.nullable(z.array(AuditEventSchema))),
  count: z.optional(z.nullable(z.number())),
});

/** Device sign-in (SPEC DeviceCodeResponse): every field optional in SPEC; the flow checks what it needs. */
export const DeviceCodeSchema = z.object({
  device_code: z.optional(z.nullable(z.string())),
  user_code: z.optional(z.nullable(z.string())),
  verification_uri: z.optional(z.nullable(z.string())),
  verification_uri_complete: z.optional(z.nullable(z.string())),
  expires_in: z.optional(z.nullable(z.number())),
  interval: z.optional(z.nullable(z.number())),
});
export type DeviceCode = z.infer<typeof DeviceCodeSchema>;

/** SPEC DeviceTokenResponse: a token, or `error` (pending, slow_down, denied, expired…). Lenient: any field may be absent. */
export const DeviceTokenAnswerSchema = z.object({
  access_token: z.optional(z.nullable(z.string())),
  token_type: z.optional(z.nullable(z.string())),
  expires_in: z.optional(z.nullable(z.number())),
  error: z.optional(z.nullable(z.string())),
  email: z.optional(z.nullable(z.string())),
});
export type DeviceTokenAnswer = z.infer<typeof DeviceTokenAnswerSchema>;

/** SPEC EnrollAgentResponse (201): the same answer whether or not the email has an account. */
export const EnrolmentResponseSchema = z.object({
  agent_id: z.optional(z.nullable(z.string())),
  message: z.optional(z.nullable(z.string())),
  approval_url: z.optional(z.nullable(z.string())),
});
export type EnrolmentResponse = z.infer<typeof EnrolmentResponseSchema>;

export const ProblemSchema = z.object({
  type: z.optional(z.nullable(z.string())),
  title: z.optional(z.nullable(z.string())),
  status: z.optional(z.nullable(z.number())),
  detail: z.optional(z.nullable(z.string())),
  // Lenient extras the official SDK also reads.
  message: z.optional(z.nullable(z.string())),
  error: z.optional(z.unknown()),
});

/** A short, credential-free description of why a value failed a schema. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], limit = 3): string {
  return issues
    .slice(0, limit)
    .map((issue) => {
      const where = issue.path.length ? issue.path.map(String).join('.') : 'body';
      return `${where} ${issueText(issue)}`;
    })
    .join('; ');
}

function issueText(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `should be ${article(issue.expected)}`;
    case 'too_small':
      return 'is empty or too small';
    case 'too_big':
      return 'is too large';
    case 'invalid_format':
      return 'is not in the expected format';
    case 'invalid_value':
      return 'has a value that is not allowed';
    default:
      return 'is invalid';
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
