/**
 * Shapes of the credentials the extension handles, and clear, value-free explanations of
 * what is wrong with a bad one. The prefix is checked strictly, the length leniently
 * (test fixtures and older keys are shorter than the 47 characters of a current key).
 */
import { UUID_PATTERN } from '../api/schemas';

export type KeyKind = 'agent' | 'human';

const PREFIX: Record<KeyKind, string> = { agent: 'ocv_', human: '1ck_' };
const KEY_BODY = /^[A-Za-z0-9_-]+$/;
const MIN_BODY_LENGTH = 4;
const MAX_KEY_LENGTH = 512;

/** Why `value` is not a usable key of `kind`, or undefined when it is. Never quotes the value. */
export function keyProblem(value: string, kind: KeyKind): string | undefined {
  if (value.length === 0) return 'is empty';
  if (value.trim() !== value) return 'has leading or trailing whitespace';
  if (value.length > MAX_KEY_LENGTH) return `is longer than ${MAX_KEY_LENGTH} characters`;
  const expected = PREFIX[kind];
  if (!value.startsWith(expected)) {
    const other = kind === 'agent' ? PREFIX.human : PREFIX.agent;
    if (value.startsWith(other)) {
      return kind === 'agent'
        ? `must be an agent key starting with ${expected}, but it is a human key (${other}); a human key belongs in _ONECLAW_HUMAN_API_KEY or the bootstrap prompt`
        : `must be a human key starting with ${expected}, but it is an agent key (${other})`;
    }
    if (value.startsWith('eyJ')) return `must be a ${kind} key starting with ${expected}, not a JWT`;
    return `must start with ${expected}`;
  }
  const body = value.slice(expected.length);
  if (body.length < MIN_BODY_LENGTH) return 'is too short to be a 1Claw key';
  if (!KEY_BODY.test(body)) return 'contains characters other than letters, digits, "_" and "-"';
  return undefined;
}

export function uuidProblem(value: string): string | undefined {
  if (value.length === 0) return 'is empty';
  if (!UUID_PATTERN.test(value.trim())) return 'is not a UUID (expected 8-4-4-4-12 hexadecimal digits)';
  if (value.trim() !== value) return 'has leading or trailing whitespace';
  return undefined;
}

export function isUuid(value: string): boolean {
  return uuidProblem(value) === undefined;
}
