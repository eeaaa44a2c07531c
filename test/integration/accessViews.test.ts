/**
 * The access and audit views (editor layer, vscode stub) on the emulator's demo agent: what each
 * vault grants and why, which grant covers a secret in the vault tree, this agent's audit events
 * paged, refusals said in the view — and no request at all until a view is shown, nor on token
 * renewals afterwards (the idle path stays silent).
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OneClawClient } from '../../src/api/client';
import { WorkspaceAccess } from '../../src/credentials/workspaceAccess';
import { AccessViewProvider, type AccessNode } from '../../src/editor/accessView';
import { AuditViewProvider, type AuditNode } from '../../src/editor/auditView';
import { VaultTreeProvider, type TreeNode } from '../../src/editor/vaultTree';
import { DEFAULT_SETTINGS } from '../../src/settings';
import { startEmulator, type Emulator } from '../emulator';
import { agentToken, call } from '../emulator/testing';
import { FakeClock } from '../support/fakeClock';
import { MemorySecrets, noCleanup } from '../support/fakeContext';
import '../support/register-vscode-stub';
import { COMMANDS } from '../../src/views/ids';
import { settled } from '../support/waitFor';

type Item = { label: string; description?: string; tooltip?: unknown; command?: { command: string } };

describe('access and audit views against the emulator (vscode stub)', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let demo: NonNullable<Emulator['demo']>;
  let home: string;
  let access: WorkspaceAccess;
  let clock: FakeClock;
  let accessView: AccessViewProvider;
  let auditView: AuditViewProvider;

  const text = (item: Item) => `${item.label} | ${item.description ?? ''}`;
  const tooltip = (item: Item) => (typeof item.tooltip === 'string' ? item.tooltip : String((item.tooltip as { value?: string } | undefined)?.value ?? ''));
  const routes = (prefix: string) => emulator.requestLog().filter((e) => e.route.startsWith(prefix)).length;

  beforeEach(async () => {
    emulator = await startEmulator({ seed: 'demo', agentTokenTtlSeconds: 900 });
    demo = emulator.demo!;
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-views-'));
    clock = new FakeClock(Date.now());
    access = new WorkspaceAccess({ env: { ONECLAW_BASE_URL: emulator.url, ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId, ONECLAW_AGENT_ID: demo.agentId }, home, secrets: new MemorySecrets(), settings: () => DEFAULT_SETTINGS, cleanup: () => noCleanup, clock });
    accessView = new AccessViewProvider(access.session);
    auditView = new AuditViewProvider(access.session);
    access.session.onDidChangeState((s) => {
      accessView.onState(s);
      auditView.onState(s);
    });
    await access.start();
    assert.equal((await settled(access.session, 10_000)).kind, 'connected');
  });
  afterEach(async () => {
    access.dispose();
    accessView.dispose();
    auditView.dispose();
    await emulator.close();
    await fs.rm(home, { recursive: true, force: true });
  });

  async function accessTree(): Promise<{ roots: Item[]; children: Record<string, Item[]> }> {
    const roots = await accessView.getChildren();
    const children: Record<string, Item[]> = {};
    for (const node of roots) if (node.kind === 'vault') children[node.access.vaultName] = (await accessView.getChildren(node)).map((c: AccessNode) => accessView.getTreeItem(c) as unknown as Item);
    return { roots: roots.map((n) => accessView.getTreeItem(n) as unknown as Item), children };
  }

  it('shows per vault what the demo agent may do and why; nothing is asked before the view is shown', async () => {
    assert.equal(routes('GET /v1/vaults/{vault_id}/policies'), 0, 'no policy listing before the view is shown');
    const { roots, children } = await accessTree();
    assert.equal(routes('GET /v1/vaults/{vault_id}/policies'), 4, 'one policy listing per vault, once');
    assert.deepEqual(roots.map(text), [
      'Agent token | scopes **, config/** · expires in 15 min',
      'coder-workspace | this workspace · read **',
      'empty-sandbox | read **',
      'finance-prod | cannot read',
      'shared-config | read config/**',
    ]);
    assert.deepEqual(children['finance-prod']!.map((i) => i.label), ['Bound to this vault, but no policy grants the agent anything here: it cannot read any secret (the vault lists as empty).']);
    assert.deepEqual(children['shared-config']!.map(text), ['read on config/** | no expiry']);
    await accessView.getChildren();
    assert.equal(routes('GET /v1/vaults/{vault_id}/policies'), 4, 'shown again: nothing asked again');
    accessView.refresh();
    await accessView.getChildren();
    assert.equal(routes('GET /v1/vaults/{vault_id}/policies'), 8, 'Refresh reads them again');
  });

  it('when 1Claw refuses agents their policies, the view says so and shows the token\'s scopes', async () => {
    emulator.setSwitches({ agentPolicyListing: 'forbidden' });
    const { roots, children } = await accessTree();
    assert.match(text(roots[1]!), /^coder-workspace \| this workspace · unknown$/);
    assert.match(children['coder-workspace']![0]!.label, /does not let this agent read its own policies here \(403\)/);
    assert.deepEqual(children['coder-workspace']!.slice(1).map(text), ['scope ** | permissions not visible', 'scope config/** | permissions not visible']);
  });

  it('the vault tree says which grant covers each secret (scopes first, policies once read), without a request of its own', async () => {
    const tree = new VaultTreeProvider(access.session, (vaultId, p) => accessView.cover(vaultId, p));
    const vaults = await tree.getChildren();
    const coder = vaults.find((v) => v.kind === 'vault' && v.vault.id === demo.vaultId)!;
    const apiKeys = (await tree.getChildren(coder)).find((n) => n.kind === 'folder' && n.name === 'api-keys')!;
    const stripe = (await tree.getChildren(apiKeys)).find((n) => n.kind === 'secret' && n.name === 'stripe') as TreeNode;
    assert.match(String(tree.getTreeItem(stripe).description), /^v1 · via scope \*\*$/);
    const requests = emulator.requestLog().length;
    await accessView.getChildren();
    assert.match(String(tree.getTreeItem(stripe).description), /^v1 · read via \*\*$/);
    assert.match(tooltip(tree.getTreeItem(stripe) as unknown as Item), /Covered by read on \\\*\\\* · no expiry/);
    assert.equal(emulator.requestLog().length - requests, 4, 'only the access view\'s policy listings');
    tree.dispose();
  });

  it('the audit view: this agent\'s events, newest first, paged with Load more, no values', async () => {
    // The demo agent (as an AI client would) reads two secrets; a human acts too (not shown).
    const token = await agentToken(emulator);
    for (const p of ['api-keys/stripe', 'db/prod/password']) assert.equal((await call(emulator.url, 'GET', `/v1/vaults/${demo.vaultId}/secrets/${p}`, { token })).status, 200);
    await new OneClawClient({ baseUrl: emulator.url }).exchangeHumanKey(demo.humanKey);
    for (let i = 0; i < 55; i++) await call(emulator.url, 'GET', `/v1/vaults/${demo.vaultId}/secrets`, { token });
    assert.equal(routes('GET /v1/audit/events'), 0, 'nothing before the view is shown');
    let nodes = await auditView.getChildren();
    assert.equal(routes('GET /v1/audit/events'), 1);
    const events = nodes.filter((n): n is Extract<AuditNode, { kind: 'event' }> => n.kind === 'event');
    assert.equal(events.length, 50);
    assert.ok(events.every((e) => e.row.who === 'this agent'));
    const log = emulator.requestLog().find((e) => e.route === 'GET /v1/audit/events')!;
    assert.match(log.query, new RegExp(`actor_id=${demo.agentId}`));
    assert.match(log.query, /limit=50/);
    const more = nodes.find((n) => n.kind === 'note' && n.text === 'Load more…');
    assert.equal((auditView.getTreeItem(more!) as unknown as Item).command?.command, COMMANDS.auditLoadMore);
    await auditView.loadMore();
    nodes = await auditView.getChildren();
    const all = nodes.filter((n): n is Extract<AuditNode, { kind: 'event' }> => n.kind === 'event').map((e) => e.row);
    assert.ok(all.length > 50);
    const reads = all.filter((r) => r.action === 'secret.read').map((r) => r.target);
    assert.deepEqual(reads, ['db/prod/password', 'api-keys/stripe']);
    assert.ok(!JSON.stringify(all).includes('CANARY'), 'no value in any row');
    assert.ok(nodes.some((n) => n.kind === 'note' && n.text === 'Open in Dashboard'));
  });

  it('says plainly when 1Claw refuses agents the audit log', async () => {
    emulator.setSwitches({ auditRefusesAgents: true });
    const nodes = await auditView.getChildren();
    const note = nodes.find((n) => n.kind === 'note' && /403/.test(n.text));
    assert.ok(note, JSON.stringify(nodes));
    assert.equal(note.kind === 'note' && note.text, '1Claw does not let this agent read the audit log (403: Agents may not read audit events). An administrator can see the agent\'s history in the 1Claw dashboard.');
  });

  it('idle: after both views were shown, 2 h of token renewals ask nothing but the exchanges', async () => {
    await accessView.getChildren();
    await auditView.getChildren();
    const before = emulator.requestLog().length;
    const exchanges = emulator.stats().agentTokenExchanges;
    for (let minute = 0; minute < 120; minute++) await clock.advance(60_000, 2);
    const after = emulator.requestLog().slice(before).map((e) => e.route);
    assert.ok(emulator.stats().agentTokenExchanges - exchanges >= 7, 'renewals happened');
    assert.deepEqual([...new Set(after)], ['POST /v1/auth/agent-token'], `requests while idle: ${after.join(', ')}`);
  });
});
