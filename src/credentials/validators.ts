/**
 * zod checks for each kind of credential input. Every issue message is a phrase that follows
 * the name of the input ("ONECLAW_VAULT_ID is not a UUID…") and never contains the value.
 */
import * as z from 'zod/mini';
import { checkServiceUrl } from '../api/url';
import { keyProblem, uuidProblem, type KeyKind } from './keys';

function fromProblem(problemOf: (value: string) => string | undefined) {
  return z.string().check(
    z.superRefine((value, ctx) => {
      const problem = problemOf(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  );
}

export const keySchema = (kind: KeyKind) => fromProblem((value) => keyProblem(value, kind));
export const uuidSchema = () => fromProblem(uuidProblem);
/** A bearer session token (a JWT): base64url segments, bounded length. Never quoted back. */
export const sessionTokenSchema = () =>
  fromProblem((value) => {
    if (value.length === 0) return 'is empty';
    if (value.length > 8192) return 'is longer than 8192 characters';
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){2}$/.test(value)) return 'is not a session token (a JWT: three base64url parts separated by dots)';
    return undefined;
  });
export const serviceUrlSchema = () =>
  fromProblem((value) => {
    const check = checkServiceUrl(value);
    return check.ok ? undefined : check.problem;
  });
