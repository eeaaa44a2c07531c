/**
 * Reading (not verifying) the claims of a 1Claw JWT: the extension only needs timing and the
 * agent's identity for display. The signature is the server's business.
 */
import * as z from 'zod/mini';

const ClaimsSchema = z.object({
  sub: z.optional(z.string()),
  org: z.optional(z.nullable(z.string())),
  iat: z.optional(z.number()),
  exp: z.optional(z.number()),
  jti: z.optional(z.string()),
  vault_ids: z.optional(z.nullable(z.array(z.string()))),
  scopes: z.optional(z.nullable(z.array(z.string()))),
});
export type JwtClaims = z.infer<typeof ClaimsSchema>;

export function decodeJwtClaims(token: string): JwtClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const json: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    const parsed = ClaimsSchema.safeParse(json);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The lifetime the token states for itself (exp − iat, seconds), or undefined when it does not say. */
export function jwtLifetimeSeconds(claims: JwtClaims | undefined): number | undefined {
  return claims?.exp !== undefined && claims.iat !== undefined && claims.exp > claims.iat ? claims.exp - claims.iat : undefined;
}

/**
 * How long an issued token may be used, in seconds: `expires_in`, but never longer than the JWT
 * says it lives (an answer claiming years would keep a dead token cached), else `fallback`.
 */
export function tokenLifetimeSeconds(token: string, expiresIn: number | null | undefined, fallback: number): number {
  const own = jwtLifetimeSeconds(decodeJwtClaims(token));
  const stated = expiresIn ?? undefined;
  if (stated !== undefined && own !== undefined) return Math.min(stated, own);
  return stated ?? own ?? fallback;
}

/** `agent:<uuid>` → `<uuid>`; anything else → undefined. */
export function agentIdFromSubject(sub: string | undefined): string | undefined {
  return sub?.startsWith('agent:') ? sub.slice('agent:'.length) : undefined;
}
