/** The bodies and queries the client sends, and what it hands back from a device-token poll. */
import type { DeviceTokenAnswer } from './schemas';

export interface CreateAgentInput {
  name: string;
  description?: string;
  vault_ids: string[];
  token_ttl_seconds?: number;
}

export interface CreatePolicyInput {
  secret_path_pattern: string;
  principal_type: 'agent' | 'user';
  principal_id: string;
  permissions: string[];
  expires_at?: string;
}

export interface AuditQuery {
  action?: string;
  actor_id?: string;
  resource_id?: string;
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}

/** One device-token poll: the status and, when the body could be read, its fields. */
export interface DevicePoll {
  status: number;
  answer: DeviceTokenAnswer | undefined;
  retryAfterMs: number | undefined;
}

export const DEVICE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
