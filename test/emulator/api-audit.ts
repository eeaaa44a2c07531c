// GET /v1/audit/events. Humans see the whole org; an agent sees only events
// it performed. `count` is the number of matching events before paging
// (SPEC does not say; documented as an emulator choice).
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
      // Newest first, like an activity feed.
      const page = [...matching].reverse().slice(offset, offset + limit);
      return { status: 200, body: { events: page, count: matching.length } };
    },
  },
];
