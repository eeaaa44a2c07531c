/**
 * Redaction of credentials from any text that may reach a log, an output channel, a
 * notification, the CLI's output or an error message. Patterns cover the 1Claw key formats and
 * JWTs (whatever their header starts with); exact values registered at run time (issued tokens,
 * new agent keys, sessions, a short test key) are removed too. Text is also scanned after
 * decoding %xx escapes, so a credential echoed URL-encoded is caught. No pattern relies on
 * `\b`: a credential glued to a word character ("token=xocv_…", "%20eyJ…") is still found.
 */

const KEY_PATTERN = /(1ck|ocv|plt)_[A-Za-z0-9_-]{4,}/g;
/** Three base64url segments; whether it is a JWT is decided by its header (see looksLikeJwt). */
const JWT_CANDIDATE = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
const BEARER_PATTERN = /(Bearer)(\s+|%20|\+)[^\s"',;&]+/gi;
const ESCAPE = /%[0-9A-Fa-f]{2}/;
const MAX_KNOWN = 512;

const knownSecrets = new Set<string>();

/** Register a value that must never be printed, whatever its shape. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 6 || knownSecrets.has(value)) return;
  if (knownSecrets.size >= MAX_KNOWN) knownSecrets.delete(knownSecrets.values().next().value!);
  knownSecrets.add(value);
}

export function forgetSecret(value: string | undefined): void {
  if (value) knownSecrets.delete(value);
}

/** Whether `value` was registered (tests use it to prove every credential the product handles is). */
export function isRegisteredSecret(value: string): boolean {
  return knownSecrets.has(value);
}

export function redact(text: string): string {
  let out = redactPlain(text);
  // Up to three layers of %xx encoding: a credential hidden only in the decoded form is redacted
  // there, and the decoded (redacted) text is what gets printed.
  for (let layer = 0; layer < 3 && ESCAPE.test(out); layer++) {
    const decoded = percentDecode(out);
    const cleaned = redactPlain(decoded);
    if (cleaned === decoded) break;
    out = cleaned;
  }
  return out;
}

/** True when the text still holds something that looks like a credential (encoded or not). */
export function containsCredential(text: string): boolean {
  return redact(text) !== text;
}

function redactPlain(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out
    .replace(JWT_CANDIDATE, (match) => (looksLikeJwt(match) ? '[redacted JWT]' : match))
    .replace(KEY_PATTERN, (_m, prefix: string) => `${prefix}_[redacted]`)
    .replace(BEARER_PATTERN, (_m, word: string, gap: string) => `${word}${gap}[redacted]`);
}

/** A JWT's first segment is base64url JSON naming an algorithm or a type. */
function looksLikeJwt(candidate: string): boolean {
  const header = candidate.slice(0, candidate.indexOf('.'));
  if (header.startsWith('eyJ')) return true;
  try {
    const json: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof json === 'object' && json !== null && ('alg' in json || 'typ' in json);
  } catch {
    return false;
  }
}

/** Decode every %xx escape, leaving malformed ones as they are (decodeURIComponent would throw). */
function percentDecode(text: string): string {
  return text.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
  });
}
