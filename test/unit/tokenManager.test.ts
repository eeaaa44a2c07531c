/** Token lifetime arithmetic and failure classes, with a scripted client (no network). */
import * as assert from 'node:assert/strict';
import { ApiError, ResponseShapeError } from '../../src/api/errors';
import type { TokenResponse } from '../../src/api/schemas';
import { TokenManager, type TokenEvent } from '../../src/credentials/tokenManager';
import { FakeClock, settle } from '../support/fakeClock';

function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'EdDSA', typ: 'JWT' })}.${part(claims)}.sig`;
}

function managerWith(responses: Array<TokenResponse | Error>, clock = new FakeClock()) {
  const calls: string[] = [];
  const client = {
    async exchangeAgentKey(key: string): Promise<TokenResponse> {
      calls.push(key);
      const next = responses.shift();
      if (!next) throw new Error('no scripted response');
      if (next instanceof Error) throw next;
      return next;
    },
  };
  const events: TokenEvent[] = [];
  const manager = new TokenManager({ client, identity: { agentKey: 'ocv_testtoken' }, clock, refreshMarginMs: 60_000, random: () => 0 });
  manager.onDidChange((e) => events.push(e));
  return { manager, clock, calls, events };
}

describe('token lifetimes and failure classes', () => {
  const nowSeconds = () => Math.floor(new FakeClock().now() / 1000);

  it('uses exp − iat when expires_in is absent (immune to skew)', async () => {
    const iat = nowSeconds() + 5_000; // server clock far ahead
    const { manager, clock } = managerWith([{ access_token: jwt({ sub: 'agent:a', iat, exp: iat + 900, vault_ids: ['v'] }), token_type: 'Bearer' }]);
    await manager.getToken();
    assert.equal(manager.current!.expiresAt - clock.now(), 900_000);
    assert.equal(manager.current!.agentId, 'a');
    assert.deepEqual(manager.current!.vaultIds, ['v']);
    manager.dispose();
  });

  it('guards an absolute expiry that is already past by this clock', async () => {
    const { manager, clock } = managerWith([{ access_token: jwt({ exp: nowSeconds() - 100 }), token_type: 'Bearer' }]);
    await manager.getToken();
    assert.equal(manager.current!.expiresAt - clock.now(), 30_000);
    manager.dispose();
  });

  it('assumes a short lifetime when nothing says how long the token lives', async () => {
    const { manager, clock } = managerWith([{ access_token: 'opaque-token', token_type: 'Bearer' }]);
    await manager.getToken();
    assert.equal(manager.current!.expiresAt - clock.now(), 5 * 60_000);
    manager.dispose();
  });

  it('treats 400/403 and malformed answers as errors retried slowly, not as revocation', async () => {
    const { manager, clock, events, calls } = managerWith([
      new ApiError({ status: 403, title: 'Forbidden', method: 'POST', route: '/v1/auth/agent-token' }),
      new ResponseShapeError('POST', '/v1/auth/agent-token', 'broken'),
      { access_token: jwt({ iat: 1, exp: 3601 }), token_type: 'Bearer' },
    ]);
    manager.start();
    await settle();
    assert.deepEqual(events.map((e) => e.kind), ['failed']);
    await clock.advance(59_999);
    assert.equal(calls.length, 1, 'retried too soon');
    await clock.advance(1);
    await settle();
    assert.equal(calls.length, 2);
    await clock.advance(60_000);
    await settle();
    assert.equal(events.at(-1)!.kind, 'issued');
    manager.dispose();
  });
});
