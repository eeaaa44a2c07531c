/**
 * "Request Access for This Workspace" (agent self-onboarding, SPEC `POST /v1/agents/enroll`):
 * a public request naming the agent (and, optionally, the human who should approve it). 1Claw
 * answers the same whatever the email (no enumeration) with an approval link; the human opens
 * it while signed in, approves, and receives the new agent's key — never this workspace. The
 * human then hands the key over, and "Use an Existing Agent Key" stores it.
 */
import type { OneClawClient } from '../api/client';
import { ApiError, OneClawError } from '../api/errors';
import { redact } from '../util/redact';
import { safeBrowserUrl } from './deviceSignIn';

export interface AccessRequest {
  name: string;
  email?: string;
  description?: string;
}

export interface AccessRequested {
  /** The link to show (https, or http to loopback); absent when the API sent none or an unsafe one. */
  approvalUrl?: string;
  /** 1Claw's own sentence, cleaned for display. */
  message?: string;
  /** What happens next, in sentences. */
  nextSteps: string[];
}

export class AccessRequestError extends OneClawError {}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}$/;

export function agentNameProblem(name: string): string | undefined {
  return NAME.test(name) ? undefined : 'must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit';
}

export function emailProblem(email: string): string | undefined {
  return email === '' || EMAIL.test(email) ? undefined : 'is not an email address';
}

export async function requestWorkspaceAccess(client: Pick<OneClawClient, 'requestEnrolment'>, request: AccessRequest): Promise<AccessRequested> {
  const nameIssue = agentNameProblem(request.name);
  if (nameIssue) throw new AccessRequestError(`The agent name ${nameIssue}.`);
  const email = request.email?.trim() || undefined;
  if (email && emailProblem(email)) throw new AccessRequestError(`The email ${emailProblem(email)}.`);
  const body: { name: string; human_email?: string; description?: string } = { name: request.name };
  if (email) body.human_email = email;
  if (request.description) body.description = request.description;
  let answer: Awaited<ReturnType<OneClawClient['requestEnrolment']>>;
  try {
    answer = await client.requestEnrolment(body);
  } catch (err) {
    if (err instanceof ApiError && err.isRateLimited) {
      const wait = err.retryAfterMs === undefined ? 'later' : `in ${Math.ceil(err.retryAfterMs / 1000)} s`;
      throw new AccessRequestError(`1Claw limits access requests (429${err.detail ? `: ${err.detail}` : ''}); try again ${wait}.`);
    }
    throw err;
  }
  const approvalUrl = answer.approval_url ? safeBrowserUrl(answer.approval_url)?.toString() : undefined;
  if (!approvalUrl && !email) {
    throw new AccessRequestError(`1Claw took the request but sent ${answer.approval_url ? 'an approval link that is not an https address' : 'no approval link'}, and without an email nobody is told about it. Try again with the approver's email.`);
  }
  const approver = email
    ? `The owner of ${email} gets Allow/Deny links by email${approvalUrl ? ' (the approval link works too)' : ''} and approves the agent "${request.name}".`
    : `Send the approval link to a 1Claw administrator: they open it while signed in and approve the agent "${request.name}".`;
  return {
    approvalUrl,
    message: answer.message ? displayText(answer.message) : undefined,
    nextSteps: [
      approver,
      'The new agent key (ocv_…) goes to that human, never to this workspace; the agent reaches only the vaults and paths an administrator grants it.',
      'When you have the key, run "1Claw: Use an Existing Agent Key…" and paste it.',
    ],
  };
}

/** Server text on one line, bounded, with credentials redacted. */
function displayText(text: string): string {
  const clean = redact(text).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return clean.length > 300 ? `${clean.slice(0, 299)}…` : clean;
}
