/**
 * The audit view's model: this workspace's agent's recent events from `GET /v1/audit/events`
 * (who, path, action, when, result), newest first, paged with limit/offset ("Load more"). It is
 * fetched only when the view is opened or refreshed. Only this agent's events are shown (the
 * `actor_id` filter, checked again here in case a server ignores it). A refusal (403, 402…) is a
 * sentence in the view, not an error. Event details are read through an allow-list of keys and
 * cleaned: a value a server slipped into an event never reaches the view.
 */
import type { AuditQuery } from '../api/client';
import { ApiError, ResponseShapeError } from '../api/errors';
import type { AuditEvent } from '../api/schemas';
import { describeError } from '../util/log';
import { redact } from '../util/redact';
import { displayName } from './treeModel';

const AUDIT_PAGE_SIZE = 50;
/** The view keeps at most this many rows; the dashboard has the rest. */
export const AUDIT_MAX_ROWS = 1000;

export type AuditResult = 'ok' | 'denied' | 'failed';

export interface AuditRow {
  id: string;
  action: string;
  who: string;
  /** The secret path (or the resource) the event is about. */
  target: string;
  /** ISO time, or the cleaned text sent when it is not a date. */
  when: string;
  whenMs: number | undefined;
  result: AuditResult;
  /** A few allow-listed details: "via mcp · v3", a failure reason. */
  detail?: string;
}

export interface AuditState {
  status: 'idle' | 'loading' | 'loaded' | 'refused' | 'error';
  rows: AuditRow[];
  /** No more pages (a short page came back, or the row cap was reached). */
  exhausted: boolean;
  /** Where the next page starts, in the server's list (which may hold events we hide). */
  nextOffset: number;
  /** Events of other principals the server returned despite the filter (hidden). */
  hiddenOthers: number;
  message?: string;
}

export type FetchPage = (query: AuditQuery) => Promise<{ events: AuditEvent[] }>;
/** A display name for an id the editor already knows (this agent, a listed vault); never a request. */
export type NameOf = (id: string) => string | undefined;

const initialAuditState: AuditState = { status: 'idle', rows: [], exhausted: false, nextOffset: 0, hiddenOthers: 0 };

export class AuditLog {
  private current: AuditState = initialAuditState;
  private inflight: Promise<AuditState> | undefined;

  constructor(
    private readonly fetchPage: FetchPage,
    private readonly agentId: () => string | undefined,
    private readonly pageSize = AUDIT_PAGE_SIZE,
    private readonly nameOf: NameOf = () => undefined,
  ) {}

  get state(): AuditState {
    return this.current;
  }

  /** The first page again (the view opened, or Refresh). */
  reload(): Promise<AuditState> {
    return this.load(true);
  }

  /** The next page after what is shown. */
  loadMore(): Promise<AuditState> {
    const retryable = this.current.status === 'error' && this.current.rows.length > 0;
    if (this.current.exhausted || (this.current.status !== 'loaded' && !retryable)) return Promise.resolve(this.current);
    return this.load(false);
  }

  /** Forget everything (another agent): nothing is fetched until the view asks again. */
  reset(): void {
    this.current = initialAuditState;
  }

  private load(fresh: boolean): Promise<AuditState> {
    if (this.inflight) return this.inflight;
    const base = fresh ? initialAuditState : this.current;
    const agentId = this.agentId();
    if (!agentId) {
      this.current = { ...initialAuditState, status: 'error', message: 'The agent\'s id is not known yet, so its events cannot be selected. Refresh once 1Claw is connected.' };
      return Promise.resolve(this.current);
    }
    this.current = { ...base, status: 'loading' };
    const run = this.fetchPage({ actor_id: agentId, limit: this.pageSize, offset: base.nextOffset })
      .then((page) => mergePage(base, page.events, agentId, this.pageSize, this.nameOf))
      .catch((err: unknown) => failedState(base, err))
      .then((state) => {
        this.current = state;
        this.inflight = undefined;
        return state;
      });
    this.inflight = run;
    return run;
  }
}

/** Adds one page: newest first as sent, duplicates (by id) dropped, other principals' events hidden. */
function mergePage(base: AuditState, events: readonly AuditEvent[], agentId: string, pageSize: number, nameOf: NameOf = () => undefined): AuditState {
  const page = events.slice(0, pageSize);
  const seen = new Set(base.rows.map((row) => row.id));
  const rows = [...base.rows];
  let hidden = base.hiddenOthers;
  page.forEach((event, index) => {
    if (event.actor_id !== agentId) {
      hidden++;
      return;
    }
    const row = toRow(event, `#${base.nextOffset + index}`, (id) => (id === agentId ? 'this agent' : nameOf(id)));
    if (seen.has(row.id)) return;
    seen.add(row.id);
    rows.push(row);
  });
  const capped = rows.length >= AUDIT_MAX_ROWS;
  const exhausted = capped || page.length < pageSize;
  const notes: string[] = [];
  if (hidden > 0) notes.push(`1Claw returned ${hidden} event${hidden === 1 ? '' : 's'} of other principals; only this agent's are shown.`);
  if (capped) notes.push(`Showing the newest ${AUDIT_MAX_ROWS} events; the dashboard has the rest.`);
  if (rows.length === 0 && exhausted) notes.unshift('No events for this agent yet.');
  return { status: 'loaded', rows: rows.slice(0, AUDIT_MAX_ROWS), exhausted, nextOffset: base.nextOffset + page.length, hiddenOthers: hidden, message: notes.length ? notes.join(' ') : undefined };
}

export function toRow(event: AuditEvent, fallbackId: string, nameOf: NameOf = () => undefined): AuditRow {
  const details = event.details ?? {};
  const action = clean(event.action, 60) || 'unknown action';
  const path = typeof details.path === 'string' ? details.path : undefined;
  const known = event.resource_id ? nameOf(event.resource_id) : undefined;
  const resource = known ? (event.resource_type === 'vault' ? `vault ${clean(known, 60)}` : clean(known, 60)) : `${clean(event.resource_type, 30) || 'resource'} ${clean(event.resource_id, 60)}`.trim();
  const target = path !== undefined ? clean(path, 300) : event.resource_type || event.resource_id ? resource : '—';
  const whenMs = event.created_at ? Date.parse(event.created_at) : NaN;
  const extras: string[] = [];
  if (typeof details.via === 'string') extras.push(`via ${clean(details.via, 20)}`);
  if (typeof details.version === 'number' && Number.isFinite(details.version)) extras.push(`v${details.version}`);
  if (typeof details.count === 'number' && Number.isFinite(details.count)) extras.push(`${details.count} listed`);
  if (typeof details.reason === 'string') extras.push(clean(details.reason, 160));
  return {
    id: clean(event.id, 80) || fallbackId,
    action,
    who: event.actor_type === 'agent' ? 'this agent' : clean(event.actor_type, 20) || 'unknown',
    target,
    when: Number.isNaN(whenMs) ? clean(event.created_at, 40) || 'unknown time' : new Date(whenMs).toISOString(),
    whenMs: Number.isNaN(whenMs) ? undefined : whenMs,
    result: resultOf(action, details),
    ...(extras.length ? { detail: extras.join(' · ') } : {}),
  };
}

function resultOf(action: string, details: Record<string, unknown>): AuditResult {
  const said = [details.result, details.outcome, details.status].find((v): v is string => typeof v === 'string')?.toLowerCase();
  if (said) return /den|forbid|refus|reject/.test(said) ? 'denied' : /fail|error/.test(said) ? 'failed' : 'ok';
  if (/\.(failure|failed|error)$/.test(action)) return 'failed';
  if (/\.(deny|denied)$/.test(action)) return 'denied';
  return 'ok';
}

/** A refusal is said plainly; anything else is an error the user can retry. */
function failedState(base: AuditState, err: unknown): AuditState {
  const keep = { rows: base.rows, nextOffset: base.nextOffset, hiddenOthers: base.hiddenOthers, exhausted: base.exhausted };
  if (err instanceof ApiError) {
    const detail = err.detail ? `: ${clean(err.detail, 160)}` : '';
    if (err.isForbidden) return { ...keep, status: 'refused', message: `1Claw does not let this agent read the audit log (403${detail}). An administrator can see the agent's history in the 1Claw dashboard.` };
    if (err.status === 402) return { ...keep, status: 'refused', message: `Reading the audit log is a paid API call and this organisation's quota is used up (402${detail}). The 1Claw dashboard still shows it.` };
    if (err.isNotFound || err.status === 405) return { ...keep, status: 'refused', message: `This 1Claw server offers no audit log to agents (${err.status}).` };
  }
  if (err instanceof ResponseShapeError) return { ...keep, status: 'error', message: `1Claw answered with an audit log this view cannot read (${clean(err.message, 200)}); nothing from that answer is shown.` };
  return { ...keep, status: 'error', message: `Could not load the audit log: ${clean(describeError(err), 200)}. Refresh to try again.` };
}

function clean(text: string | null | undefined, max: number): string {
  return text ? displayName(redact(text), max) : '';
}
