// GET /v1/audit/events with the SPEC filters. Humans see the whole org; an
// agent sees the events it performed (docs: "their own access history"), or
// 403 while the auditRefusesAgents switch is on. `count` is the number of
// events returned (contract §12.8); newest first. Events never hold values.
import { forbidden } from './problems';
import { principalOf, type RouteDef } from './router';
import { queryDateTime, queryInteger } from './validate';

export const auditRoutes: RouteDef[] = [
  {
    method: 'GET',
    template: '/v1/audit/events',
    auth: true,
    body: 'none',
    handle(ctx) {
      const principal = principalOf(ctx);
      if (principal.kind === 'agent' && ctx.state.switches.auditRefusesAgents) throw forbidden('Agents may not read audit events');
      const q = ctx.query;
      const from = queryDateTime('from', q.get('from'));
      const to = queryDateTime('to', q.get('to'));
      const limit = queryInteger('limit', q.get('limit'), 100, 1, 1000);
      const offset = queryInteger('offset', q.get('offset'), 0, 0, Number.MAX_SAFE_INTEGER);
      const action = q.get('action') ?? '';
      const actorId = q.get('actor_id') ?? '';
      const resourceId = q.get('resource_id') ?? '';
      const matching = ctx.state.audit.filter((event) => {
        const at = Date.parse(event.created_at);
        return (
          (principal.kind === 'user' || event.actor_id === principal.id) &&
          (action === '' || event.action === action) &&
          (actorId === '' || event.actor_id === actorId) &&
          (resourceId === '' || event.resource_id === resourceId) &&
          (from === undefined || at >= from) &&
          (to === undefined || at <= to)
        );
      });
      const page = [...matching].reverse().slice(offset, offset + limit);
      return { status: 200, body: { events: page, count: page.length } };
    },
  },
];
