// POST /v1/agents/enroll (SPEC, public): a pending enrolment and its
// approval_url, the same 201 shape whether or not the email has an account
// (no enumeration), agent_id the nil UUID until approved. The key is never
// in a response: approval (an admin hook standing in for the human opening
// the link while signed in) creates the agent and "emails" the key to the human.
import { MAX_PENDING_ENROLMENTS, approvalUrl, type EnrolmentRecord } from './enrolment';
import { createAgentAs } from './operations';
import { HttpError, badRequest, notFound } from './problems';
import type { RouteDef } from './router';
import type { EmulatorState } from './state';
import { Fields, isEmail } from './validate';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** The approver: the request's human, else the named one, else (link-only) the first human. */
function approverFor(state: EmulatorState, record: EnrolmentRecord, email: string | undefined): string {
  const wanted = record.email ?? email;
  const human = state.humanByEmail(wanted);
  if (human === undefined) throw notFound(`No 1Claw account has the email ${wanted ?? '(none)'}`);
  return human.id;
}

export function decideEnrolment(state: EmulatorState, id: string, approve: boolean, email?: string): { agentId: string; apiKey: string } | undefined {
  const record = state.enrolments.get(id);
  if (record === undefined) throw notFound('Enrolment not found');
  if (record.status !== 'pending') throw badRequest(`This enrolment is already ${record.status}`);
  const approverId = approverFor(state, record, email);
  if (!approve) {
    record.status = 'denied';
    state.record({ action: 'agent.enroll.deny', actor_id: approverId, actor_type: 'user', resource_type: 'enrollment', resource_id: record.id, details: { name: record.name } });
    return undefined;
  }
  const { agent, apiKey } = createAgentAs(state, { id: approverId, type: 'user' }, { name: record.name, description: record.description });
  record.status = 'approved';
  record.agentId = agent.id;
  const to = state.humans.get(approverId)?.email ?? '';
  state.sendMail({ to, subject: `1Claw: agent "${agent.name}" was approved`, agent_id: agent.id, api_key: apiKey });
  state.record({ action: 'agent.enroll.approve', actor_id: approverId, actor_type: 'user', resource_type: 'agent', resource_id: agent.id, details: { name: agent.name, enrollment_id: record.id } });
  return { agentId: agent.id, apiKey };
}

export const enrollRoutes: RouteDef[] = [
  {
    method: 'POST',
    template: '/v1/agents/enroll',
    auth: false,
    body: 'json',
    handle({ state, body, limits }) {
      const fields = Fields.of(body);
      const name = fields.requiredString('name');
      const email = fields.optionalString('human_email') ?? null;
      if (email !== null && !isEmail(email)) throw badRequest("Field 'human_email' must be an email address");
      const description = fields.optionalString('description') ?? '';
      if (email !== null) {
        const admitted = limits.admitEnrolment(email);
        if (!admitted.ok) throw new HttpError(429, 'An enrolment for this email was requested recently; try again later', { 'Retry-After': String(admitted.retryAfterSeconds) });
      }
      if (state.enrolments.pendingCount() >= MAX_PENDING_ENROLMENTS) throw new HttpError(429, 'Too many pending enrolments', { 'Retry-After': '60' });
      const record = state.enrolments.create(name, description, email, state.nowIso());
      state.record({ action: 'agent.enroll', actor_id: '', actor_type: 'anonymous', resource_type: 'enrollment', resource_id: record.id, details: { name, link_only: email === null } });
      const message =
        email === null
          ? 'Enrollment pending. Open approval_url while signed in to 1Claw to approve this agent; the API key is then shown to the approving human, never to the agent.'
          : 'Enrollment request received. If this email belongs to a 1Claw account, its owner will get Allow/Deny links (approval_url works too). The API key is sent to the human after approval, never to the agent.';
      return { status: 201, body: { agent_id: NIL_UUID, message, approval_url: approvalUrl(state.publicUrl, record.id) } };
    },
  },
];
