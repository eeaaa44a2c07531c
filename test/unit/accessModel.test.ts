/**
 * The access view's model: what the agent may do in each vault and why, from its policies or —
 * when 1Claw refuses them — its token's scopes; the sentence for each vault it cannot read;
 * which grant covers a secret path; and hostile policy answers shown safely.
 */
import * as assert from 'node:assert/strict';
import type { Policy, Vault } from '../../src/api/schemas';
import { buildAccess, coverLabel, coverOf, describeGrant, type PolicyAnswer } from '../../src/views/accessModel';
import { matchPathGlob } from '../../src/views/pathGlob';

const NOW = Date.UTC(2026, 10, 22, 9);
const AGENT = 'a0000000-0000-4000-8000-000000000001';
const id = (n: number) => `v0000000-0000-4000-8000-00000000000${n}`.replace(/^v/, '0');
const vault = (n: number, name: string): Vault => ({ id: id(n), name, created_at: '2026-01-01T00:00:00Z' });
const policy = (vaultN: number, pattern: string, extra: Partial<Policy> = {}): Policy => ({ id: `p-${vaultN}-${pattern}`, vault_id: id(vaultN), secret_path_pattern: pattern, principal_type: 'agent', principal_id: AGENT, permissions: ['read'], ...extra });
const ok = (...policies: Policy[]): PolicyAnswer => ({ kind: 'ok', policies });

function build(policies: Array<[number, PolicyAnswer]>, extra: Partial<Parameters<typeof buildAccess>[0]> = {}) {
  return buildAccess({
    now: NOW,
    workspaceVaultId: id(1),
    agentId: AGENT,
    scopes: ['**', 'config/**'],
    vaultIds: [id(1), id(2), id(3), id(4)],
    vaults: [vault(1, 'coder-workspace'), vault(2, 'shared-config'), vault(3, 'finance-prod'), vault(4, 'empty-sandbox'), vault(9, '__agent-keys')],
    policies: new Map(policies.map(([n, answer]) => [id(n), answer])),
    ...extra,
  });
}

describe('access model', () => {
  it('the demo agent: grants and their expiry per vault, the workspace vault first, the internal vault hidden', () => {
    const rows = build([
      [1, ok(policy(1, '**'))],
      [2, ok(policy(2, 'config/**', { expires_at: '2026-11-25T00:00:00Z' }))],
      [3, ok()],
      [4, ok(policy(4, '**', { permissions: ['read', 'write'] }))],
    ]);
    assert.deepEqual(rows.map((r) => [r.vaultName, r.status]), [['coder-workspace', 'granted'], ['empty-sandbox', 'granted'], ['finance-prod', 'no-access'], ['shared-config', 'granted']]);
    assert.equal(rows[0]!.isWorkspaceVault, true);
    assert.equal(rows[0]!.reason, 'May read on **.');
    assert.equal(rows[1]!.reason, 'May read+write on **.');
    const shared = rows[3]!;
    assert.equal(shared.grants[0]!.expiry, 'expiring');
    assert.equal(describeGrant(shared.grants[0]!), 'read on config/** · expires 2026-11-25 (soon)');
    assert.equal(describeGrant(rows[0]!.grants[0]!), 'read on ** · no expiry');
  });

  it('says in a sentence why a vault cannot be read: no policy, expired, deny only, not listed any more', () => {
    const rows = build([
      [1, ok(policy(1, '**', { expires_at: '2026-11-01T00:00:00Z' }))],
      [2, ok(policy(2, 'config/**', { effect: 'deny' }))],
      [3, ok()],
      [4, ok(policy(4, '**', { permissions: [] }))],
    ], { vaultIds: [id(1), id(2), id(3), id(4), id(5)] });
    const reason = (name: string) => rows.find((r) => r.vaultName === name)!.reason;
    assert.match(reason('coder-workspace'), /^Its only grant here expired \(2026-11-01\), so it cannot read any secret until an administrator renews it\.$/);
    assert.equal(reason('shared-config'), 'Its policies here only deny access, so it cannot read any secret.');
    assert.equal(reason('finance-prod'), 'Bound to this vault, but no policy grants the agent anything here: it cannot read any secret (the vault lists as empty).');
    assert.equal(reason('empty-sandbox'), 'Its policies here grant no permission, so it cannot read any secret.');
    const gone = rows.find((r) => r.vaultId === id(5))!;
    assert.equal(gone.status, 'no-access');
    assert.match(gone.reason, /names this vault, but 1Claw no longer lists it/);
    assert.ok(rows.every((r) => r.status !== 'granted'));
  });

  it('when 1Claw refuses the agent its policies, the token\'s scopes stand in, marked as such', () => {
    const refused: PolicyAnswer = { kind: 'refused', status: 403, detail: 'Agents may not list access policies' };
    const rows = build([[1, refused], [2, refused], [3, refused], [4, refused]]);
    for (const row of rows) {
      assert.equal(row.status, 'unknown');
      assert.match(row.reason, /does not let this agent read its own policies here \(403\), so permissions and expiry are unknown; shown are the token's scopes/);
      assert.deepEqual(row.grants.map((g) => [g.source, g.pattern, g.permissions.length]), [['scope', '**', 0], ['scope', 'config/**', 0]]);
    }
    const none = build([[1, refused]], { scopes: [] });
    assert.equal(none[0]!.status, 'no-access');
    assert.match(none[0]!.reason, /token carries no scopes, so it cannot read any secret/);
  });

  it('a grant newer than the token is marked as applying after the next renewal; unchecked and failed vaults say so', () => {
    const rows = build([[1, ok(policy(1, 'db/**'))], [2, { kind: 'error', message: 'Could not reach the 1Claw API (GET /v1/vaults/:id/policies): ECONNRESET' }]], { scopes: ['config/**'] });
    const ws = rows.find((r) => r.vaultName === 'coder-workspace')!;
    assert.equal(ws.grants[0]!.awaitsRenewal, true);
    assert.match(ws.reason, /newer than the current token and apply after its next renewal/);
    assert.match(rows.find((r) => r.vaultName === 'shared-config')!.reason, /^Could not read the grants for this vault: Could not reach the 1Claw API/);
    assert.match(rows.find((r) => r.vaultName === 'finance-prod')!.reason, /Not checked yet/);
  });

  it('only this agent\'s policies count, even if a server returns other principals\'', () => {
    const others = [policy(1, '**', { principal_id: 'someone-else' }), policy(1, '**', { principal_type: 'user', principal_id: AGENT })];
    const rows = build([[1, ok(...others)]]);
    assert.equal(rows[0]!.status, 'no-access');
    assert.equal(rows[0]!.grants.length, 0);
  });

  it('hostile policy answers are cleaned and bounded', () => {
    const nasty = policy(1, 'db/**\u001b[31m\n', { permissions: ['read', 'x'.repeat(500), 'read'], expires_at: 'not a date' });
    const many = Array.from({ length: 5000 }, (_, i) => policy(1, `p${i}/**`));
    const rows = build([[1, ok(nasty, ...many)]]);
    const grant = rows[0]!.grants[0]!;
    assert.ok(!/[\u0000-\u001f]/.test(grant.pattern), grant.pattern);
    assert.deepEqual(grant.permissions.map((p) => p.length <= 20), [true, true]);
    assert.equal(grant.expiry, 'unknown');
    assert.equal(rows[0]!.grants.length, 200, 'at most 200 grants per vault');
  });

  it('names the narrowest grant covering a secret path; a deny wins; scopes stand in before policies are read', () => {
    const rows = build([[1, ok(policy(1, '**'), policy(1, 'db/*/password', { permissions: ['read', 'write'] }), policy(1, 'legacy/**', { effect: 'deny' }))], [3, ok()]]);
    const ws = rows.find((r) => r.vaultName === 'coder-workspace');
    assert.equal(coverLabel(coverOf(ws, undefined, 'db/prod/password')), 'read+write via db/*/password');
    assert.equal(coverLabel(coverOf(ws, undefined, 'api-keys/stripe')), 'read via **');
    assert.equal(coverLabel(coverOf(ws, undefined, 'legacy/old-token')), 'denied by legacy/**');
    assert.equal(coverLabel(coverOf(rows.find((r) => r.vaultName === 'finance-prod'), ['**'], 'ledger/db/password')), 'no matching grant');
    assert.equal(coverLabel(coverOf(undefined, ['config/**'], 'config/app/settings')), 'via scope config/**');
    assert.equal(coverOf(undefined, undefined, 'x'), undefined, 'nothing known, nothing said');
  });

  it('globs: * is one segment, ** any depth; overlong paths never match', () => {
    const cases: Array<[string, string, boolean]> = [
      ['**', 'a', true],
      ['**', 'a/b/c', true],
      ['config/**', 'config', true],
      ['config/**', 'config/a/b', true],
      ['config/**', 'configs/a', false],
      ['db/*', 'db/prod', true],
      ['db/*', 'db/prod/password', false],
      ['db/*/password', 'db/prod/password', true],
      ['api-*', 'api-keys', true],
      ['api-*', 'api/keys', false],
      ['**/password', 'db/prod/password', true],
      ['a.b', 'aXb', false],
    ];
    for (const [pattern, path, expected] of cases) assert.equal(matchPathGlob(pattern, path), expected, `${pattern} vs ${path}`);
    assert.equal(matchPathGlob('**', Array.from({ length: 100 }, () => 'a').join('/')), false);
  });
});
