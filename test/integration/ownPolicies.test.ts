/**
 * One shared, bounded cache of the agent's own policies per vault (src/credentials/ownPolicies.ts):
 * the vault tree's "No access / No secrets yet" rows and the Access view read the same answer, so
 * opening both asks 1Claw once per vault; a new token (a policy change revokes the old one)
 * starts afresh; nothing is asked on the idle path.
 */
import * as assert from 'node:assert/strict';
import { ownPoliciesOf } from '../../src/credentials/ownPolicies';
import type { WorkspaceAccess } from '../../src/credentials/workspaceAccess';
import { AccessViewProvider } from '../../src/editor/accessView';
import { VaultTreeProvider } from '../../src/editor/vaultTree';
import { startEmulator, type Emulator } from '../emulator';
import { call, humanToken } from '../emulator/testing';
import { FakeClock } from '../support/fakeClock';
import { TestWorkspaces, started } from '../support/workspaces';
import '../support/register-vscode-stub';

describe("the agent's own policies: one cache for the vault tree and the Access view", function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let demo: NonNullable<Emulator['demo']>;
  let access: WorkspaceAccess;
  const workspaces = new TestWorkspaces(() => emulator, undefined, 'oneclaw-policies-');

  const policyListings = () => emulator.requestLog().filter((e) => e.route === 'GET /v1/vaults/{vault_id}/policies').length;

  beforeEach(async () => {
    emulator = await startEmulator({ seed: 'demo', agentTokenTtlSeconds: 900 });
    demo = emulator.demo!;
    const env = { ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId, ONECLAW_AGENT_ID: demo.agentId };
    access = workspaces.access(await workspaces.home(), env, { cleanup: 'none', clock: new FakeClock(Date.now()) });
    assert.equal((await started(access)).kind, 'connected');
  });
  afterEach(async () => {
    await workspaces.dispose();
    await emulator.close();
  });

  it('the tree\'s "No access" row and the Access view share one policy listing per vault; a new token starts afresh', async () => {
    const view = new AccessViewProvider(access.session);
    const tree = new VaultTreeProvider(access.session, (vaultId, p) => view.cover(vaultId, p));
    try {
      const finance = (await tree.getChildren()).find((n) => n.kind === 'vault' && n.vault.name === 'finance-prod')!;
      const [row] = await tree.getChildren(finance);
      assert.equal(row?.kind === 'message' && row.label, 'No access');
      assert.equal(policyListings(), 1, 'the tree asked for finance-prod\'s policies');
      await view.getChildren();
      assert.equal(policyListings(), 4, 'one listing per vault in all (4 vaults): finance-prod\'s was read again');

      // A policy change revokes the agent's token; the next token sees the new policies.
      const human = await humanToken(emulator);
      const created = await call(emulator.url, 'POST', `/v1/vaults/${demo.sharedVaultId}/policies`, { token: human, body: { secret_path_pattern: 'ops/**', principal_type: 'agent', principal_id: demo.agentId, permissions: ['read'] } });
      assert.equal(created.status, 201, created.text);
      await access.refresh();
      view.refresh();
      await view.getChildren();
      assert.equal(policyListings(), 8, 'the new token read every vault\'s policies again');
    } finally {
      tree.dispose();
      view.dispose();
    }
  });

  it('is bounded: at most 64 vaults kept, the oldest answer dropped first', async () => {
    const cache = ownPoliciesOf(access.session);
    for (let i = 0; i < 70; i++) cache.remember(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, { kind: 'refused', status: 403 });
    assert.equal(cache.size, 64);
    assert.equal(cache.peek('00000000-0000-4000-8000-000000000000'), undefined);
    assert.deepEqual(cache.peek('00000000-0000-4000-8000-000000000069'), { kind: 'refused', status: 403 });
  });
});
