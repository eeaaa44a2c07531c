// Secret paths: the URL wildcard `secrets/{path...}` and the write-time syntax
// rule (DOCS: `[a-zA-Z0-9_\-/]`, no `.`/`..`, no leading/trailing `/`, no
// empty segments).
import { badRequest } from './problems';

const VALID_PATH = /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*$/;
const MAX_PATH_LENGTH = 512;

/** Throws 400 naming the rule that failed. */
export function assertWritablePath(path: string): void {
  if (path.length === 0) throw badRequest('Secret path must not be empty');
  if (path.length > MAX_PATH_LENGTH) throw badRequest(`Secret path must be at most ${MAX_PATH_LENGTH} characters`);
  if (path.startsWith('/') || path.endsWith('/')) throw badRequest('Secret path must not start or end with "/"');
  if (path.split('/').some((segment) => segment.length === 0)) throw badRequest('Secret path must not contain empty segments');
  if (!VALID_PATH.test(path)) {
    throw badRequest('Secret path may contain only letters, digits, "_", "-" and "/" (no "." or "..")');
  }
}

/** Decodes each raw URL segment on its own (clients encode per segment and keep the `/`). */
export function decodeSegments(rawSegments: readonly string[]): string {
  try {
    return rawSegments.map((segment) => decodeURIComponent(segment)).join('/');
  } catch {
    throw badRequest('Secret path is not valid percent-encoding');
  }
}
