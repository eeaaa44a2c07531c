// Agent self-enrolment requests (SPEC POST /v1/agents/enroll): pending until
// a human approves through the approval link (emulated by an admin hook).
// The approved agent's key is "emailed" to the human, never returned to the
// agent (DOCS agent-self-onboarding).
import { newId } from './keys';
import type { EnrollmentView } from './types';

/** SPEC: "caps on pending rows". */
export const MAX_PENDING_ENROLMENTS = 100;

export interface EnrolmentRecord {
  id: string;
  name: string;
  description: string;
  email: string | null;
  status: 'pending' | 'approved' | 'denied';
  agentId: string | null;
  createdAt: string;
}

export class Enrolments {
  private readonly records = new Map<string, EnrolmentRecord>();

  create(name: string, description: string, email: string | null, createdAt: string): EnrolmentRecord {
    const record: EnrolmentRecord = { id: newId(), name, description, email, status: 'pending', agentId: null, createdAt };
    this.records.set(record.id, record);
    return record;
  }

  get(id: string): EnrolmentRecord | undefined {
    return this.records.get(id);
  }

  pendingCount(): number {
    return [...this.records.values()].filter((record) => record.status === 'pending').length;
  }

  list(): EnrolmentRecord[] {
    return [...this.records.values()];
  }
}

export function approvalUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/agents/enroll/approve?id=${id}`;
}

export function enrolmentView(record: EnrolmentRecord, publicUrl: string): EnrollmentView {
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    human_email: record.email,
    status: record.status,
    approval_url: approvalUrl(publicUrl, record.id),
    agent_id: record.agentId,
    created_at: record.createdAt,
  };
}
