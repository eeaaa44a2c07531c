// Credential and identifier material. Keys follow the real format
// (prefix + base64url-no-pad of 32 random bytes = 47 chars) so that client
// validation and leak scanners see realistic input.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export type KeyPrefix = '1ck_' | 'ocv_';

export function newApiKey(prefix: KeyPrefix): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Keys are stored only as hashes; the plaintext lives in the canary list alone. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function newId(): string {
  return randomUUID();
}

/** A unique, greppable secret value: CANARY-<slug>-<24 hex>. */
export function canaryValue(slug: string): string {
  const clean = slug.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `CANARY-${clean}-${randomBytes(12).toString('hex')}`;
}

export function newAdminToken(): string {
  return 'emu_admin_' + randomBytes(24).toString('base64url');
}

/** Constant-time string comparison for the admin token. */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
