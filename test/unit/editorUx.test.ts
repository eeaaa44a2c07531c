/**
 * What a user sees (issues 16.1, 16.6, 19.5–19.8), through the real extension with the vscode
 * stub against the emulator: tree rows for vaults the agent cannot read, the revoked state and
 * its welcome view, the revoke dialog's default button, the tree filter across revoke and
 * bootstrap, the quota sentence, and the wording of messages, titles and tooltips.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../emulator';
import { agentToken, call } from '../emulator/testing';
import { EditorHarness, tooltipText } from '../support/editorHarness';
import { repoRoot } from '../support/fakeContext';
import { until } from '../support/waitFor';
import { __stub } from '../support/vscode-stub';
import { evaluateWhen } from '../support/whenClause';
import { COMMANDS, CONTEXT, VIEWS, type CommandId } from '../../src/views/ids';

interface Manifest {
  contributes: {
    viewsContainers: { activitybar: Array<{ id: string; title: string }> };
    views: Record<string, Array<{ id: string; name: string }>>;
    viewsWelcome: Array<{ view: string; contents: string; when: string }>;
    menus: { commandPalette: Array<{ command: string; when?: string }> };
  };
}
const manifest: Manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

/** The welcome view contents the workbench would show with the current context keys. */
function visibleWelcome(): string[] {
  return manifest.contributes.viewsWelcome.filter((w) => w.view === VIEWS.vaults && evaluateWhen(w.when, __stub.context)).map((w) => w.contents);
}
function inPalette(command: CommandId): boolean {
  const entry = manifest.contributes.menus.commandPalette.find((m) => m.command === command);
  return evaluateWhen(entry?.when, __stub.context);
}
/** Default sidebar width shows about this many characters of a row label after the icon and indent. */
const SIDEBAR_LABEL_CHARS = 30;
const UUID_IN_PARENS = /\(\s*`?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`?\s*\)/i;

describe('what users see: tree access rows, revoked state, dialogs, filter, quota, wording', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let demo: NonNullable<Emulator['demo']>;
  const editor = new EditorHarness(() => emulator);
  const agentEnv = () => ({ ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId });

  beforeEach(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    demo = emulator.demo!;
  });
  afterEach(async () => {
    editor.deactivateAll();
    await emulator.close();
  });
  after(() => editor.dispose());

  describe('16.1 / 19.8: a vault the agent cannot read vs an empty vault', () => {
    it('a bound vault without a policy reads "No access" (short), with the reason in the tooltip; an empty vault reads as empty', async () => {
      const a = await editor.activate(agentEnv());
      await until(() => a.api.state === 'connected', 10_000, 'connected');
      const [noPolicy] = await editor.rowsOf('finance-prod');
      assert.equal(noPolicy!.label, 'No access');
      assert.match(tooltipText(noPolicy!), /no (access )?policy/i);
      const [empty] = await editor.rowsOf('empty-sandbox');
      assert.match(empty!.label, /^No secrets/);
      assert.doesNotMatch(empty!.label, /access/i);
      assert.match(tooltipText(empty!), /\*\*/, 'the empty row says which paths the agent may read');
    });

    it('an empty vault the agent created itself is empty, not "No access" (it needs no policy there)', async () => {
      const a = await editor.activate(agentEnv());
      await until(() => a.api.state === 'connected', 10_000, 'connected');
      const created = await call(emulator.url, 'POST', '/v1/vaults', { token: await agentToken(emulator), body: { name: 'agent-made' } });
      assert.equal(created.status, 201, created.text);
      await editor.run(COMMANDS.refresh);
      const [row] = await editor.rowsOf('agent-made');
      assert.equal(row!.label, 'No secrets yet');
      assert.match(tooltipText(row!), /created this vault/);
    });

    it('when the API refuses the agent its policy list, it says it cannot tell, for both vaults', async () => {
      emulator.setSwitches({ agentPolicyListing: 'forbidden' });
      const a = await editor.activate(agentEnv());
      await until(() => a.api.state === 'connected', 10_000, 'connected');
      for (const name of ['finance-prod', 'empty-sandbox']) {
        const [row] = await editor.rowsOf(name);
        assert.equal(row!.label, 'No secrets listed', name);
        assert.match(tooltipText(row!), /empty or .*no policy|cannot tell/i, name);
      }
    });

    it('keeps every message row short enough for the default sidebar, with the reason in the tooltip (403 included)', async () => {
      const a = await editor.activate(agentEnv());
      await until(() => a.api.state === 'connected', 10_000, 'connected');
      emulator.injectFault({ route: `GET /v1/vaults/${demo.sharedVaultId}/secrets`, status: 403, count: 1 });
      const [forbidden] = await editor.rowsOf('shared-config');
      assert.equal(forbidden!.label, 'No access');
      assert.match(tooltipText(forbidden!), /refused|not bound|403/i);
      for (const name of ['finance-prod', 'empty-sandbox']) {
        const [row] = await editor.rowsOf(name);
        assert.ok(row!.label.length <= SIDEBAR_LABEL_CHARS, `"${row!.label}" is cut off at the default sidebar width`);
        assert.ok(tooltipText(row!).length > row!.label.length, 'the reason is in the tooltip');
      }
    });
  });

  describe('19.5 / 19.7: revoked state, welcome view and palette', () => {
    it('after a revoke that keeps the agent: status "Revoked", a welcome view that says the agent still exists, re-bootstrap in the palette, no Clear Filter', async () => {
      const a = await editor.activate(agentEnv());
      await until(() => a.api.state === 'connected', 10_000, 'connected');
      __stub.inputBoxAnswers.push('db/');
      await editor.run(COMMANDS.filter);
      assert.equal(__stub.context.get(CONTEXT.filtered), true);
      __stub.messageAnswers.push('Revoke Without Deleting Agent');
      await editor.run(COMMANDS.revoke);
      assert.equal(a.api.state, 'revoked');
      assert.match(editor.statusText(), /1Claw: Revoked$/);
      const welcome = visibleWelcome();
      assert.equal(welcome.length, 1, `welcome views shown: ${JSON.stringify(welcome)}`);
      assert.match(welcome[0]!, /still exists/);
      assert.doesNotMatch(welcome[0]!, /no longer accepted|was deleted|never set up|not set up/);
      // Each on its own: the bug was Re-bootstrap missing while Bootstrap showed.
      assert.equal(inPalette(COMMANDS.rebootstrap), true, 'Re-bootstrap is offered in the palette after a revoke');
      assert.equal(inPalette(COMMANDS.bootstrap), true, 'Bootstrap is offered in the palette after a revoke');
      assert.equal(inPalette(COMMANDS.clearFilter), false, 'Clear Filter must not be offered on the welcome view');
      assert.equal(__stub.context.get(CONTEXT.filtered), false, 'the filter is cleared on revoke');
      assert.equal(editor.treeView.description, undefined, 'the view no longer says "filter: …"');
    });

    it('after a revoke that deletes the agent, the welcome view says it was deleted', async () => {
      const a = await editor.activate(agentEnv());
      await until(() => a.api.state === 'connected', 10_000, 'connected');
      __stub.messageAnswers.push('Revoke and Delete Agent…');
      __stub.inputBoxAnswers.push(demo.humanKey);
      await editor.run(COMMANDS.revoke);
      const welcome = visibleWelcome();
      assert.equal(welcome.length, 1, `welcome views shown: ${JSON.stringify(welcome)}`);
      assert.match(welcome[0]!, /deleted/);
      assert.doesNotMatch(welcome[0]!, /still exists/);
    });

    it('hides Clear Filter from the palette whenever there is no tree to filter', () => {
      for (const state of ['notConfigured', 'revoked', 'error', 'bootstrapping']) {
        const context = new Map<string, unknown>([[CONTEXT.state, state], [CONTEXT.filtered, true], [CONTEXT.connected, false], [CONTEXT.configured, state === 'error']]);
        const entry = manifest.contributes.menus.commandPalette.find((m) => m.command === COMMANDS.clearFilter);
        assert.equal(evaluateWhen(entry?.when, context), false, `Clear Filter offered in state ${state}`);
      }
    });

    it('clears the filter when a bootstrap replaces the agent', async () => {
      const a = await editor.activate(agentEnv());
      await until(() => a.api.state === 'connected', 10_000, 'connected');
      __stub.inputBoxAnswers.push('api-keys/');
      await editor.run(COMMANDS.filter);
      __stub.messageAnswers.push('Re-bootstrap', 'Re-bootstrap');
      __stub.inputBoxAnswers.push(demo.humanKey);
      await editor.run(COMMANDS.rebootstrap);
      await until(() => a.api.state === 'connected', 10_000, 'connected again');
      assert.equal(__stub.context.get(CONTEXT.filtered), false);
      const top = await editor.rowsOf('coder-workspace');
      assert.ok(top.some((r) => r.label === 'db'), 'the whole tree shows again');
    });
  });

  describe('19.6: the revoke dialog', () => {
    it('is modal and its default button (the first) is not the most destructive choice', async () => {
      const a = await editor.activate(agentEnv());
      await until(() => a.api.state === 'connected', 10_000, 'connected');
      __stub.messageAnswers.push(undefined);
      await editor.run(COMMANDS.revoke);
      const dialog = __stub.messages.find((m) => m.modal && /Revoke this workspace/.test(m.text));
      assert.ok(dialog, 'a modal revoke confirmation');
      const titles = (dialog.items ?? []).map((i) => (typeof i === 'string' ? i : (i as { title: string }).title));
      assert.ok(titles.includes('Revoke and Delete Agent…'), titles.join(' | '));
      assert.notEqual(titles[0], 'Revoke and Delete Agent…', 'Enter would delete the agent');
      // Dismissing it changed nothing, and nothing reached the server.
      assert.equal(a.api.state, 'connected');
      assert.equal(emulator.requestLog().filter((e) => e.route === 'DELETE /v1/auth/token').length, 0);
    });
  });

  describe('19.8: messages, titles and tooltips', () => {
    it('says which previous agent a re-bootstrap deleted, without "(1)"', async () => {
      const a = await editor.activate({});
      await until(() => a.api.state === 'notConfigured', 10_000, 'notConfigured');
      __stub.inputBoxAnswers.push(demo.humanKey);
      await editor.run(COMMANDS.bootstrap);
      await until(() => a.api.state === 'connected', 10_000, 'connected');
      __stub.messageAnswers.push('Re-bootstrap');
      __stub.inputBoxAnswers.push(demo.humanKey);
      await editor.run(COMMANDS.rebootstrap);
      await until(() => a.api.state === 'connected', 10_000, 'connected again');
      const summary = __stub.messages.filter((m) => /1Claw is set up/.test(m.text)).at(-1)!.text;
      assert.doesNotMatch(summary, /\(\d+\)/);
      assert.match(summary, /previous agent .*was deleted\./);
    });

    it('"Copy MCP Configuration" follows the key in use after a bootstrap replaced ONECLAW_AGENT_API_KEY', async () => {
      const a = await editor.activate(agentEnv());
      await until(() => a.api.state === 'connected', 10_000, 'connected');
      __stub.messageAnswers.push('Re-bootstrap', 'Re-bootstrap');
      __stub.inputBoxAnswers.push(demo.humanKey);
      await editor.run(COMMANDS.rebootstrap);
      await until(() => a.api.state === 'connected', 10_000, 'connected again');
      await editor.run(COMMANDS.copyMcpConfig);
      const config = __stub.clipboard;
      const said = __stub.messages.at(-1)!.text;
      assert.doesNotMatch(config, /ONECLAW_AGENT_API_KEY/, 'the template variable no longer holds the key in use');
      assert.doesNotMatch(said, /reads the key from ONECLAW_AGENT_API_KEY/);
      assert.match(said, /agent\.json/);
      assert.doesNotMatch(config, /ocv_|1ck_|eyJ/, 'no credential in the copied configuration');
    });

    it('titles the view without repeating "1Claw"', () => {
      const container = manifest.contributes.viewsContainers.activitybar.find((c) => c.id === 'oneclaw')!;
      const view = manifest.contributes.views.oneclaw!.find((v) => v.id === VIEWS.vaults)!;
      assert.ok(!view.name.toLowerCase().startsWith(container.title.toLowerCase()), `the title reads "${container.title}: ${view.name}"`);
    });

    it('never shows an id in parentheses in the status tooltip', async () => {
      const a = await editor.activate(agentEnv());
      await until(() => a.api.state === 'connected', 10_000, 'connected');
      await until(() => /Agent: demo\\?-agent/.test(editor.statusTooltip()), 5_000, 'the agent name');
      const tooltip = editor.statusTooltip();
      assert.doesNotMatch(tooltip, UUID_IN_PARENS);
      assert.ok(tooltip.includes(demo.vaultId) && tooltip.includes(demo.agentId), 'the ids are still there, on their own');
    });
  });

  describe('16.6: quota and billing in the status bar', () => {
    it('shows a quota warning as a sentence with the next step and a billing link, then clears it', async () => {
      const a = await editor.activate(agentEnv());
      await until(() => a.api.state === 'connected', 10_000, 'connected');
      emulator.setQuota({ limit: 1000, used: 850 });
      await editor.run(COMMANDS.refresh);
      assert.match(editor.statusText(), /85 ?%/);
      assert.equal(editor.statusItem.backgroundColor?.id, 'statusBarItem.warningBackground');
      const tooltip = editor.statusTooltip();
      assert.match(tooltip, /850 of 1,?000/);
      assert.match(tooltip, /\]\(https:\/\/1claw\.xyz\/settings\/billing\)/, 'a link to billing in the dashboard');
      assert.match(tooltip, /Next step/i);

      emulator.setQuota({ limit: 1000, used: 10 });
      await editor.run(COMMANDS.refresh);
      assert.equal(editor.statusText(), `$(shield) 1Claw: ${demo.vaultName}`);
    });

    it('says the quota is used up when paid calls would get 402, and how to continue', async () => {
      const a = await editor.activate(agentEnv());
      await until(() => a.api.state === 'connected', 10_000, 'connected');
      emulator.setQuota({ limit: 1000, used: 1000, creditBalanceCents: 0 });
      await editor.run(COMMANDS.refresh);
      assert.match(editor.statusText(), /quota used up/i);
      const tooltip = editor.statusTooltip();
      assert.match(tooltip, /402/);
      assert.match(tooltip, /add credits|upgrade/i);
      assert.match(tooltip, /https:\/\/1claw\.xyz\/settings\/billing/);
      assert.equal(a.api.state, 'connected', 'the connection itself is fine');
    });
  });
});
