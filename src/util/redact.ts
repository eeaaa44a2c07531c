/**
 * Redaction of credentials from any text that may reach a log, an output channel,
 * a notification or an error message. Patterns cover the 1Claw key formats and JWTs;
 * exact values registered at run time (e.g. a short test key) are removed too.
 */

const KEY_PATTERN = /\b(1ck|ocv|plt)_[A-Za-z0-9_-]+/g;
const JWT_PATTERN = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const BEARER_PATTERN = /\b(Bearer)\s+[^\s"',;]+/gi;

const knownSecrets = new Set<string>();

/** Register a value that must never be printed, whatever its shape. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) knownSecrets.add(value);
}

export function forgetSecret(value: string | undefined): void {
  if (value) knownSecrets.delete(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out
    .replace(JWT_PATTERN, '[redacted JWT]')
    .replace(KEY_PATTERN, (_m, prefix: string) => `${prefix}_[redacted]`)
    .replace(BEARER_PATTERN, (_m, word: string) => `${word} [redacted]`);
}

/** True when the text still holds something that looks like a credential. */
export function containsCredential(text: string): boolean {
  KEY_PATTERN.lastIndex = 0;
  JWT_PATTERN.lastIndex = 0;
  const found = KEY_PATTERN.test(text) || JWT_PATTERN.test(text);
  KEY_PATTERN.lastIndex = 0;
  JWT_PATTERN.lastIndex = 0;
  if (found) return true;
  for (const secret of knownSecrets) if (text.includes(secret)) return true;
  return false;
}
