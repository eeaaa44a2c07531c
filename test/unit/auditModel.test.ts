/**
 * The audit view's model: limit/offset paging with "Load more", this agent's events only, a
 * refusal said plainly, and bad or hostile answers (duplicates, other principals, values in
 * details, control characters, credentials, unreadable bodies) handled with clear messages.
 */
import * as assert from 'node:assert/strict';
import type { AuditQuery } from '../../src/api/client';
import { ApiError, NetworkError, ResponseShapeError } from '../../src/api/errors';
import type { AuditEvent } from '../../src/api/schemas';
import { AUDIT_MAX_ROWS, AuditLog, toRow } from '../../src/views/auditModel';

const AGENT = 'a0000000-0000-4000-8000-000000000001';
const event = (n: number, extra: Partial<AuditEvent> = {}): AuditEvent => ({
  id: `e${n}`,
  action: 'secret.read',
  actor_id: AGENT,
  actor_type: 'agent',
  resource_type: 'secret',
  resource_id: `s${n}`,
  created_at: new Date(Date.UTC(2026, 10, 22, 9, 0, 0) - n * 60_000).toISOString(),
  details: { path: `api-keys/k${n}`, vault_id: 'v', version: 1 },
  ...extra,
});

/** A server holding `all` events, newest first, answering limit/offset like SPEC. */
function server(all: AuditEvent[]) {
  const queries: AuditQuery[] = [];
  const fetch = async (query: AuditQuery) => {
    queries.push(query);
    const offset = query.offset ?? 0;
    return { events: all.slice(offset, offset + (query.limit ?? 100)) };
  };
  return { queries, fetch };
}

describe('audit model', () => {
  it('pages with limit/offset: the first page on reload, the next on "Load more", exhausted on a short page', async () => {
    const api = server(Array.from({ length: 120 }, (_, i) => event(i)));
    const log = new AuditLog(api.fetch, () => AGENT, 50);
    assert.equal(log.state.status, 'idle');
    let state = await log.reload();
    assert.deepEqual([state.status, state.rows.length, state.exhausted, state.nextOffset], ['loaded', 50, false, 50]);
    state = await log.loadMore();
    assert.deepEqual([state.rows.length, state.exhausted], [100, false]);
    state = await log.loadMore();
    assert.deepEqual([state.rows.length, state.exhausted], [120, true]);
    assert.deepEqual(api.queries, [0, 50, 100].map((offset) => ({ actor_id: AGENT, limit: 50, offset })));
    assert.equal((await log.loadMore()).rows.length, 120, 'nothing more is asked once exhausted');
    assert.equal(api.queries.length, 3);
    assert.deepEqual(state.rows.slice(0, 2).map((r) => [r.action, r.target, r.who, r.result, r.detail]), [['secret.read', 'api-keys/k0', 'this agent', 'ok', 'v1'], ['secret.read', 'api-keys/k1', 'this agent', 'ok', 'v1']]);
    state = await log.reload();
    assert.deepEqual([state.rows.length, api.queries.at(-1)?.offset], [50, 0], 'Refresh starts over');
  });

  it('concurrent requests share one fetch; an empty log says so', async () => {
    const api = server([]);
    const log = new AuditLog(api.fetch, () => AGENT);
    const [a, b] = await Promise.all([log.reload(), log.reload()]);
    assert.equal(a, b);
    assert.equal(api.queries.length, 1);
    assert.equal(a.message, 'No events for this agent yet.');
  });

  it('events that moved between pages appear once; other principals\' events are hidden and counted', async () => {
    const events = [event(0), event(1), event(2), event(3, { actor_id: 'human-1', actor_type: 'user' })];
    const pages = [[events[0]!, events[1]!], [events[1]!, events[2]!], [events[3]!]];
    const log = new AuditLog(async () => ({ events: pages.shift() ?? [] }), () => AGENT, 2);
    await log.reload();
    await log.loadMore();
    const state = await log.loadMore();
    assert.deepEqual(state.rows.map((r) => r.id), ['e0', 'e1', 'e2']);
    assert.equal(state.hiddenOthers, 1);
    assert.equal(state.message, '1Claw returned 1 event of other principals; only this agent\'s are shown.');
    assert.equal(state.exhausted, true);
  });

  it('a page longer than asked is cut; the view keeps at most 1000 rows', async () => {
    let next = 0;
    const log = new AuditLog(async (q) => ({ events: Array.from({ length: (q.limit ?? 0) + 10 }, () => event(next++)) }), () => AGENT, 100);
    let state = await log.reload();
    assert.equal(state.rows.length, 100);
    for (let i = 0; i < 20 && !state.exhausted; i++) state = await log.loadMore();
    assert.equal(state.rows.length, AUDIT_MAX_ROWS);
    assert.equal(state.exhausted, true);
    assert.match(state.message ?? '', /newest 1000 events; the dashboard has the rest/);
  });

  it('a refusal is a sentence in the view (403, 402, 404); other failures can be retried', async () => {
    const refuse = (err: Error) => new AuditLog(async () => Promise.reject(err), () => AGENT).reload();
    const forbidden = await refuse(new ApiError({ status: 403, detail: 'Agents may not read audit events', method: 'GET', route: '/v1/audit/events' }));
    assert.equal(forbidden.status, 'refused');
    assert.equal(forbidden.message, '1Claw does not let this agent read the audit log (403: Agents may not read audit events). An administrator can see the agent\'s history in the 1Claw dashboard.');
    assert.match((await refuse(new ApiError({ status: 402, method: 'GET', route: '/v1/audit/events' }))).message ?? '', /paid API call and this organisation's quota is used up \(402\)/);
    assert.match((await refuse(new ApiError({ status: 404, method: 'GET', route: '/v1/audit/events' }))).message ?? '', /offers no audit log to agents \(404\)/);
    const shape = await refuse(new ResponseShapeError('GET', '/v1/audit/events', 'events should be an array'));
    assert.equal(shape.status, 'error');
    assert.match(shape.message ?? '', /an audit log this view cannot read .*events should be an array.*nothing from that answer is shown/);
    // A failed "Load more" keeps what is shown and may be retried.
    let fail = false;
    const api = server(Array.from({ length: 60 }, (_, i) => event(i)));
    const log = new AuditLog(async (q) => (fail ? Promise.reject(new NetworkError('GET', '/v1/audit/events', 'ECONNRESET')) : api.fetch(q)), () => AGENT, 50);
    await log.reload();
    fail = true;
    const failed = await log.loadMore();
    assert.deepEqual([failed.status, failed.rows.length], ['error', 50]);
    assert.match(failed.message ?? '', /Could not load the audit log: Could not reach the 1Claw API .*Refresh to try again/);
    fail = false;
    assert.equal((await log.loadMore()).rows.length, 60);
  });

  it('without the agent\'s id nothing is fetched (no unfiltered query)', async () => {
    const api = server([event(0)]);
    const state = await new AuditLog(api.fetch, () => undefined).reload();
    assert.equal(state.status, 'error');
    assert.equal(api.queries.length, 0);
  });

  it('hostile events: details read through an allow-list, text cleaned and redacted, results recognised', () => {
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhZ2VudDoxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const row = toRow(
      event(0, {
        action: 'secret.read\u001b[2J',
        details: { path: 'db/prod\npassword', value: 'CANARY-secret-value', reason: `token ${jwt} and ocv_abcdefghijklmnop`, via: 'mcp', version: 3, count: 'many' },
        created_at: 'yesterday',
      }),
      '#0',
    );
    const text = JSON.stringify(row);
    assert.ok(!text.includes('CANARY'), 'a value in details never reaches the view');
    assert.ok(!text.includes(jwt) && !text.includes('ocv_abcdefghijklmnop'), text);
    assert.ok(!/[\u0000-\u001f]/.test(row.action + row.target), 'no control characters');
    assert.equal(row.when, 'yesterday');
    assert.equal(row.whenMs, undefined);
    assert.match(row.detail ?? '', /^via mcp · v3 · token \[redacted JWT\] and ocv_\[redacted\]$/);
    assert.equal(toRow(event(1, { action: 'auth.failure' }), '#1').result, 'failed');
    assert.equal(toRow(event(2, { action: 'agent.enroll.deny' }), '#2').result, 'denied');
    assert.equal(toRow(event(3, { details: { result: 'forbidden' } }), '#3').result, 'denied');
    const bare = toRow({ actor_id: AGENT }, '#9');
    assert.deepEqual([bare.id, bare.action, bare.target, bare.when], ['#9', 'unknown action', '—', 'unknown time']);
    assert.equal(toRow(event(4, { details: null, resource_type: 'vault', resource_id: 'v-1' }), '#4').target, 'vault v-1');
    assert.equal(toRow(event(5, { details: null, resource_type: 'vault', resource_id: 'v-1' }), '#5', () => 'coder-workspace\u0007').target, 'vault coder-workspace\uFFFD', 'names the editor knows, cleaned');
  });
});
