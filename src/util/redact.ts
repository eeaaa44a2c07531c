/**
 * Redaction of credentials from any text that may reach a log, an output channel, a
 * notification, the CLI's output or an error message. Patterns cover the 1Claw key formats and
 * JWTs (whatever their header starts with); exact values registered at run time (issued tokens,
 * new agent keys, sessions, a short test key) are removed too. Text is also scanned after
 * decoding %xx escapes, so a credential echoed URL-encoded is caught. No pattern relies on
 * `\b`: a credential glued to a word character ("token=xocv_…", "%20eyJ…") is still found.
 */

const KEY_PATTERN = /(1ck|ocv|plt)_[A-Za-z0-9_-]{4,}/g;
/**
 * Runs of base64url characters and dots, where JWTs can be: three segments whose first is a JWT
 * header (see isJwtHeader). Each character is looked at once: a regex for the three segments
 * backtracks quadratically on a long run without dots (minutes for one large error body).
 */
const DOTTED_RUN = /[A-Za-z0-9_.-]{17,}/g;
/** A header glued to word characters is looked for this far back from its segment's end, at most this many times. */
const GLUED_HEADER_REACH = 256;
const GLUED_HEADER_TRIES = 32;
const BEARER_PATTERN = /(Bearer)(\s+|%20|\+)[^\s"',;&]+/gi;
const ESCAPE = /%[0-9A-Fa-f]{2}/;
const MAX_KNOWN = 512;

const knownSecrets = new Set<string>();

/**
 * Pieces of the most recent secrets, so an echo that is not the whole value is caught too: split
 * over lines, cut short, without its prefix, or base64-encoded (any alignment). Every FRAGMENT-long
 * slice at a multiple of STRIDE of each form is indexed, so any run of FRAGMENT + STRIDE - 1
 * characters of a form contains one; a hit is then widened to the whole run that matches.
 */
const FRAGMENT = 12;
const STRIDE = 4;
const MIN_FRAGMENTED = 16;
const MAX_FRAGMENTED = 64;
const fragments = new Map<string, { form: string; at: number }>();
let fragmentsStale = false;

/** Register a value that must never be printed, whatever its shape. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 6 || knownSecrets.has(value)) return;
  if (knownSecrets.size >= MAX_KNOWN) {
    knownSecrets.delete(knownSecrets.values().next().value!);
    fragmentsStale = true;
  }
  knownSecrets.add(value);
  if (!fragmentsStale) indexFragments(value);
}

/** Unregister a value: only tests call it, to keep the process-wide set as they found it. */
export function forgetSecret(value: string | undefined): void {
  if (value && knownSecrets.delete(value)) fragmentsStale = true;
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

function redactPlain(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  // Patterns before pieces: a piece matching the (shared, public) header of another JWT must not
  // break that JWT up before it is recognised whole.
  out = out
    .replace(DOTTED_RUN, redactJwtsInRun)
    .replace(KEY_PATTERN, (_m, prefix: string) => `${prefix}_[redacted]`)
    .replace(BEARER_PATTERN, (_m, word: string, gap: string) => `${word}${gap}[redacted]`);
  return redactFragments(out);
}

/** The run with every JWT in it redacted: segments H.P.S where H (or a suffix of it glued to word characters) is a header. */
function redactJwtsInRun(run: string): string {
  const segments = run.split('.');
  if (segments.length < 3) return run;
  const out: string[] = [];
  for (let i = 0; i < segments.length; ) {
    const start = i + 2 < segments.length && segments[i + 1]!.length >= 8 ? headerStart(segments[i]!) : -1;
    if (start < 0) {
      out.push(segments[i]!);
      i++;
    } else {
      out.push(`${segments[i]!.slice(0, start)}[redacted JWT]`);
      i += 3;
    }
  }
  return out.join('.');
}

/** Where a JWT header starts in `segment` (0, or later when glued to word characters), or -1. */
function headerStart(segment: string): number {
  if (segment.length < 8) return -1;
  if (isJwtHeader(segment)) return 0;
  // A JSON header's base64url always starts with "e" ("{" is 011110..).
  let tries = 0;
  for (let at = segment.lastIndexOf('e', segment.length - 8); at > 0 && at >= segment.length - GLUED_HEADER_REACH && tries < GLUED_HEADER_TRIES; at = segment.lastIndexOf('e', at - 1), tries++) {
    if (isJwtHeader(segment.slice(at))) return at;
  }
  return -1;
}

/** A JWT's first segment is base64url JSON naming an algorithm or a type. */
function isJwtHeader(header: string): boolean {
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

/** base64 and base64url have one alphabet once these two pairs are folded together. */
function fold(text: string): string {
  return text.replace(/\+/g, '-').replace(/\//g, '_');
}

/** The secret, and its base64 at each of the three alignments (only the characters that depend on it alone). */
function formsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [secret];
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64url');
    forms.push(encoded.slice([0, 2, 3][pad], Math.floor((pad + bytes.length) / 3) * 4));
  }
  return forms.map(fold);
}

function indexFragments(secret: string): void {
  if (secret.length < MIN_FRAGMENTED) return;
  for (const form of formsOf(secret)) {
    for (let at = 0; at + FRAGMENT <= form.length; at += STRIDE) {
      const piece = form.slice(at, at + FRAGMENT);
      if (!fragments.has(piece)) fragments.set(piece, { form, at });
    }
  }
}

function rebuildFragments(): void {
  fragments.clear();
  fragmentsStale = false;
  for (const secret of [...knownSecrets].slice(-MAX_FRAGMENTED)) indexFragments(secret);
}

/** Replace every run of text that is a piece (FRAGMENT + STRIDE - 1 characters or more) of a known secret's form. */
function redactFragments(text: string): string {
  if (fragmentsStale || fragments.size > MAX_FRAGMENTED * 512) rebuildFragments();
  if (fragments.size === 0 || text.length < FRAGMENT) return text;
  const folded = fold(text);
  let out = '';
  let last = 0;
  for (let i = 0; i + FRAGMENT <= folded.length; ) {
    const hit = fragments.get(folded.slice(i, i + FRAGMENT));
    if (!hit) {
      i++;
      continue;
    }
    let start = i;
    for (let f = hit.at; start > last && f > 0 && folded[start - 1] === hit.form[f - 1]; f--) start--;
    let end = i + FRAGMENT;
    for (let f = hit.at + FRAGMENT; end < folded.length && f < hit.form.length && folded[end] === hit.form[f]; f++) end++;
    out += `${text.slice(last, start)}[redacted]`;
    last = end;
    i = end;
  }
  return last === 0 ? text : out + text.slice(last);
}
