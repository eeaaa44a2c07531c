// EdDSA (Ed25519) JWTs with node:crypto, matching the real API's header
// {"alg":"EdDSA","typ":"JWT"} so clients that decode or verify tokens see the
// same thing they will in production.
import { generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

export interface AgentClaims {
  sub: string;
  org: string;
  scopes: string[];
  vault_ids: string[];
  iat: number;
  exp: number;
  jti: string;
}

export interface HumanClaims {
  sub: string;
  org: string;
  iat: number;
  exp: number;
  jti: string;
}

export type Claims = AgentClaims | HumanClaims;

export interface OkpJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use: 'sig';
  alg: 'EdDSA';
}

export type VerifyResult =
  | { ok: true; claims: Record<string, unknown> }
  | { ok: false; reason: 'malformed' | 'bad-signature' };

const HEADER = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' })).toString('base64url');

export class JwtSigner {
  private readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;

  constructor() {
    const pair = generateKeyPairSync('ed25519');
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  sign(claims: Claims): string {
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const signingInput = `${HEADER}.${payload}`;
    const signature = sign(null, Buffer.from(signingInput), this.privateKey).toString('base64url');
    return `${signingInput}.${signature}`;
  }

  /** Signature and shape only; expiry and revocation are the caller's (clock-aware) business. */
  verify(token: string): VerifyResult {
    const parts = token.split('.');
    const [header, payload, signature] = parts;
    if (parts.length !== 3 || header === undefined || payload === undefined || signature === undefined) {
      return { ok: false, reason: 'malformed' };
    }
    const headerJson = decodeJson(header);
    if (headerJson === undefined || headerJson['alg'] !== 'EdDSA') return { ok: false, reason: 'malformed' };
    const claims = decodeJson(payload);
    if (claims === undefined) return { ok: false, reason: 'malformed' };
    const valid = verify(null, Buffer.from(`${header}.${payload}`), this.publicKey, Buffer.from(signature, 'base64url'));
    return valid ? { ok: true, claims } : { ok: false, reason: 'bad-signature' };
  }

  jwk(): OkpJwk {
    const exported = this.publicKey.export({ format: 'jwk' });
    return { kty: 'OKP', crv: 'Ed25519', x: String(exported.x), kid: 'emulator-ed25519', use: 'sig', alg: 'EdDSA' };
  }

  /** Raw 32-byte public key, base64 (the shape of GET /v1/auth/jwt-public-key). */
  publicKeyBase64(): string {
    return Buffer.from(this.jwk().x, 'base64url').toString('base64');
  }
}

/** Decodes the payload without verifying it (for revocation look-ups and log attribution). */
export function peekClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  return payload === undefined ? undefined : decodeJson(payload);
}

function decodeJson(segment: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
