// The page-side half of each in-host step ("checkpoints"), per scenario. Each handler drives the
// workbench like a person would (clicks, keys), asserts what the page shows, and captures the
// state (screenshot, DOM text, notifications) as a test artefact.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { admin } from '../emulator/testing';
import type { Emulator } from '../emulator/types';
import type { Artefacts } from './lib/artefacts';
import type { CheckpointHandler } from './lib/control';
import type { Page } from './lib/playwright';
import { waitFor } from './lib/procs';
import {
  STATUS_ITEM,
  TREE,
  VIEW_ACTIONS,
  closeNotificationCenter,
  closeQuickInput,
  contextMenuAction,
  hideMcpClients,
  hoverText,
  listingOf,
  normalise,
  notificationTexts,
  openNotificationCenter,
  openOneClawView,
  quickPickRows,
  readDialog,
  renderedRows,
  resizeSideBar,
  revealPath,
  showMcpClients,
  runFromPalette,
  DIALOG,
  statusText,
  waitQuickInput,
  waitStatus,
  walkTree,
  welcomeText,
} from './lib/ui';

export interface ScenarioContext {
  page: Page;
  emulator: Emulator;
  artefacts: Artefacts;
  /** Where to copy the connected screenshot for the README (when asked to). */
  readmeScreenshot?: string;
  /** Where to copy the state screenshots the README and issues show (when asked to). */
  screenshotsDir?: string;
}

async function titleActions(page: Page): Promise<string[]> {
  const actions = page.locator(VIEW_ACTIONS);
  const labels: string[] = [];
  for (let i = 0; i < (await actions.count()); i++) labels.push((await actions.nth(i).getAttribute('aria-label')) ?? '');
  return labels.filter(Boolean);
}

async function expectedPaths(emulator: Emulator): Promise<Record<string, string[]>> {
  const state = (await admin(emulator, 'GET', '/state')).json as { vaults: Array<{ name: string; secret_paths: string[] }> };
  const paths = (name: string) => state.vaults.find((vault) => vault.name === name)?.secret_paths ?? [];
  return {
    'coder-workspace': [...paths('coder-workspace')].sort(),
    // The demo agent's policy there is config/**.
    'shared-config': paths('shared-config').filter((p) => p.startsWith('config/')).sort(),
    'empty-sandbox': [],
    'finance-prod': [],
  };
}

/** Waits until the page shows the connected status and the 1Claw tree with the workspace vault first. */
async function showConnected(ctx: ScenarioContext, vaultName: string): Promise<{ status: string }> {
  const { page } = ctx;
  const status = await waitStatus(page, new RegExp(`1Claw: ${vaultName}`), 30_000);
  await openOneClawView(page);
  const first = page.locator(`${TREE} .monaco-list-row[data-index="0"]`);
  await waitFor(`"${vaultName}" as the first row of the 1Claw tree`, async () => normalise(await first.innerText().catch(() => '')).startsWith(vaultName), 20_000);
  return { status };
}

export function agentCheckpoints(ctx: ScenarioContext): Record<string, CheckpointHandler> {
  const { page, emulator, artefacts } = ctx;
  return {
    connected: async (args) => {
      const { status } = await showConnected(ctx, String(args.vaultName));
      await revealPath(page, ['coder-workspace', 'api-keys', 'anthropic']);
      await revealPath(page, ['coder-workspace', 'db', 'prod'], { collapseFirst: false });
      const shown = await renderedRows(page);
      for (const row of ['1:coder-workspace', '2:api-keys', '3:anthropic', '3:stripe', '2:db', '3:prod', '1:shared-config']) assert.ok(shown.includes(row), `tree rows shown: ${shown.join(', ')}`);
      await page.mouse.move(640, 790);
      const shot = await artefacts.capture('connected');
      if (ctx.readmeScreenshot) fs.copyFileSync(shot, ctx.readmeScreenshot);
      // The tooltip says what is connected, until when, and to which clients.
      await page.locator(STATUS_ITEM).first().hover();
      const hover = page.locator('.monaco-hover:visible, .workbench-hover:visible').filter({ hasText: '1Claw: connected' });
      await hover.first().waitFor({ state: 'visible', timeout: 10_000 });
      const tooltip = normalise(await hover.first().innerText());
      // The variables carry only the agent's id; the extension looks its name up once after connecting.
      for (const part of ['1Claw: connected', 'Vault: coder-workspace · ID ', `Agent: ${emulator.demo!.agentName} · ID ${emulator.demo!.agentId}`, 'Token expires: ', 'MCP clients:', '✓ code-server', '✓ Claude Code: headers helper', '✓ Codex CLI: references ONECLAW_AGENT_API_KEY', 'Not present: Cursor, Gemini CLI', 'Last refresh:']) {
        assert.ok(tooltip.includes(part), `status tooltip lacks "${part}": ${tooltip}`);
      }
      // Issue 19.8: no id in parentheses (a code span there rendered as "( uuid )").
      assert.doesNotMatch(tooltip, /\(\s*[0-9a-f]{8}-[0-9a-f-]{27}\s*\)/);
      // The demo seed issues 900 s agent tokens, the shorter documented default (issue 16).
      assert.match(tooltip, /Token expires: (14|15) min \(\d\d:\d\d:\d\d\)/, 'a 15-minute token counting down');
      await artefacts.capture('status-tooltip');
      await page.mouse.move(640, 400);
      return { status, titleActions: await titleActions(page) };
    },

    'mcp-clients': async () => {
      const rows = await showMcpClients(page);
      // A wider side bar for the picture, so every row's state reads in full; put back after.
      await resizeSideBar(page, 140);
      await page.mouse.move(900, 790);
      const shot = await artefacts.capture('mcp-clients');
      await resizeSideBar(page, -140);
      if (ctx.readmeScreenshot) fs.copyFileSync(shot, path.join(path.dirname(ctx.readmeScreenshot), 'mcp-clients.png'));
      await hideMcpClients(page);
      return { rows };
    },

    tree: async () => {
      const rows = await walkTree(page, { expandAll: true, maxRows: 400, timeoutMs: 90_000 });
      const listing = listingOf(rows);
      await artefacts.capture('tree-expanded');
      fs.writeFileSync(path.join(artefacts.rootDir, 'tree-listing.json'), `${JSON.stringify(listing, null, 2)}\n`);
      const expected = await expectedPaths(emulator);
      const vaults = listing.vaults.map((v) => v.name);
      assert.deepEqual(vaults, ['coder-workspace', 'empty-sandbox', 'finance-prod', 'shared-config'], 'vault rows (workspace vault first, other-team and __agent-keys hidden)');
      assert.equal(listing.vaults[0]?.description, 'this workspace');
      for (const vault of ['coder-workspace', 'shared-config']) {
        assert.deepEqual([...(listing.secrets[vault] ?? [])].sort(), expected[vault], `secret paths shown for ${vault}`);
      }
      // A bound vault without a policy lists as 200 {secrets: []} on the platform (issue 16); the
      // agent's own policies there tell "no access" from "empty".
      assert.deepEqual(listing.messages['finance-prod'], ['No access']);
      assert.deepEqual(listing.messages['empty-sandbox'], ['No secrets yet']);
      assert.match(listing.descriptions['coder-workspace:db/staging/password'] ?? '', /expires soon/);
      assert.match(listing.descriptions['coder-workspace:legacy/old-token'] ?? '', /disabled/);
      assert.match(listing.descriptions['coder-workspace:legacy/expired-cert'] ?? '', /expired/);
      return { vaults, counts: Object.fromEntries(Object.entries(listing.secrets).map(([k, v]) => [k, v.length])) };
    },

    // Issue 16.1 / 19.8: the row's short label is shown whole at the default sidebar width, and
    // its tooltip says why there is nothing to read.
    'no-access': async () => {
      const row = await revealPath(page, ['finance-prod', 'No access']);
      const label = row.locator('.label-name').first();
      const clipped = await label.evaluate((el: { scrollWidth: number; clientWidth: number }) => el.scrollWidth > el.clientWidth + 1);
      const tooltip = await hoverText(page, row, 'no policy');
      const shot = await artefacts.capture('no-access-tooltip');
      if (ctx.screenshotsDir) fs.copyFileSync(shot, path.join(ctx.screenshotsDir, 'no-access.png'));
      await page.mouse.move(640, 400);
      return { clipped, tooltip: tooltip.text };
    },

    // Issue 16.6: the quota in the status bar, a sentence with the next step and a billing link.
    quota: async (args) => {
      const status = await waitStatus(page, new RegExp(String(args.expect)), 20_000);
      const hover = await hoverText(page, page.locator(STATUS_ITEM).first(), String(args.tooltipHas));
      const shot = await artefacts.capture(String(args.shot));
      if (ctx.screenshotsDir) fs.copyFileSync(shot, path.join(ctx.screenshotsDir, `${String(args.shot)}.png`));
      await page.mouse.move(640, 400);
      return { status, tooltip: hover.text, links: hover.links };
    },

    'context-menu': async () => {
      const row = await revealPath(page, ['coder-workspace', 'api-keys', 'stripe']);
      const entries = await contextMenuAction(page, row, 'Copy Path', async () => {
        await artefacts.capture('context-menu');
      });
      await waitFor('the status bar to confirm the copy', async () => normalise(await page.locator('.part.statusbar').innerText()).includes('Copied api-keys/stripe'), 10_000, 100);
      await artefacts.capture('copied-path');
      return { entries };
    },

    'token-status': async () => {
      await waitQuickInput(page, '1Claw token status', 15_000);
      await waitFor('token status rows', async () => (await quickPickRows(page)).some((r) => r.includes('State:')), 10_000, 100);
      const rows = await quickPickRows(page);
      await artefacts.capture('token-status');
      await closeQuickInput(page);
      return { rows };
    },

    output: async () => {
      const editor = page.locator('.part.panel .monaco-editor .view-lines');
      // The start-up line is the first: scroll there (Monaco renders only the lines in view).
      await editor.first().waitFor({ state: 'visible', timeout: 15_000 });
      await editor.first().click();
      await page.keyboard.press('Control+Home');
      // Monaco renders spaces as U+00A0: normalise before matching.
      const lines = await waitFor('the 1Claw log in the Output view', async () => {
        const t = (await editor.first().innerText().catch(() => '')).split('\n').map(normalise).filter(Boolean);
        return t.some((line) => /starting in code-server/.test(line)) ? t : undefined;
      }, 15_000, 200);
      await artefacts.capture('output-log');
      return { lines };
    },

    'mcp-list': async () => {
      const rows = await waitFor('the MCP server list to show 1Claw', async () => {
        if (!(await page.locator('.quick-input-widget').first().isVisible())) return undefined;
        const r = await quickPickRows(page);
        return r.some((row) => /1Claw/.test(row)) ? r : undefined;
      }, 15_000, 200);
      await artefacts.capture('mcp-servers');
      await closeQuickInput(page);
      return { rows };
    },

    'after-add': async (args) => {
      const secretPath = String(args.path);
      const segments = secretPath.split('/');
      const row = await revealPath(page, ['coder-workspace', ...segments]);
      await row.waitFor({ state: 'visible', timeout: 15_000 });
      await artefacts.capture('after-refresh');
      return { found: true };
    },

    // VS Code refuses modal dialogs while extension tests run (DialogService.skipDialogs), so the
    // suite answers the confirmation in-host; the human key goes through the real input box here.
    'revoke-human-key': async () => {
      const box = await waitQuickInput(page, '1Claw human API key', 15_000);
      const input = box.locator('.quick-input-box input').first();
      const passwordInput = (await input.getAttribute('type')) === 'password';
      await input.fill(emulator.demo!.humanKey);
      await artefacts.capture('revoke-human-key');
      await input.press('Enter');
      await waitFor('the human key box to close', async () => !(await page.locator('.quick-input-widget').first().isVisible()), 15_000, 100);
      return { passwordInput };
    },

    revoked: async () => {
      const status = await waitStatus(page, /1Claw: Revoked/, 20_000);
      await openOneClawView(page);
      const welcome = await waitFor('the 1Claw welcome view', async () => {
        const text = await welcomeText(page);
        return text.includes('revoked') ? text : undefined;
      }, 15_000, 200);
      assert.equal(await page.locator(`${TREE} .monaco-list-row`).count(), 0, 'no tree rows after revoke');
      const shot = await artefacts.capture('revoked-welcome');
      if (ctx.screenshotsDir) fs.copyFileSync(shot, path.join(ctx.screenshotsDir, 'revoked.png'));
      const notifications = await openNotificationCenter(page);
      await artefacts.noteNotifications(notifications);
      await artefacts.capture('notifications');
      await closeNotificationCenter(page);
      return { status, welcome, notifications, titleActions: await titleActions(page) };
    },

    final: async () => finalState(ctx),
  };
}

export function bootstrapCheckpoints(ctx: ScenarioContext): Record<string, CheckpointHandler> {
  const { page, artefacts } = ctx;
  return {
    bootstrapped: async (args) => {
      const { status } = await showConnected(ctx, String(args.vaultName));
      await revealPath(page, ['coder-workspace', 'api-keys', 'anthropic']);
      await artefacts.capture('bootstrapped-connected');
      const rows = await walkTree(page, { expandAll: false, maxRows: 50, timeoutMs: 30_000 });
      return { status, vaults: rows.filter((r) => r.level === 1).map((r) => r.label) };
    },
    final: async () => finalState(ctx),
  };
}

async function finalState(ctx: ScenarioContext): Promise<{ status: string; notifications: string[] }> {
  const notifications = await notificationTexts(ctx.page);
  await ctx.artefacts.noteNotifications(notifications);
  await ctx.artefacts.capture('final');
  return { status: await statusText(ctx.page), notifications };
}

/**
 * Issue 19.6, in a workbench WITHOUT extension tests (the only way the workbench shows a modal
 * dialog): the revoke confirmation as a user sees it, which button Enter presses, Escape changes
 * nothing, and Enter revokes without deleting the agent. Returns what it checked.
 */
export async function dialogScenario(ctx: ScenarioContext): Promise<string[]> {
  const { page, emulator, artefacts } = ctx;
  const demo = emulator.demo!;
  const checked: string[] = [];
  await waitStatus(page, /1Claw: coder-workspace/, 60_000);
  // A tidy workbench for the screenshots: no chat side bar.
  await runFromPalette(page, 'View: Hide Secondary Side Bar').catch(() => page.keyboard.press('Escape'));
  await openOneClawView(page);
  await waitFor('the tree', async () => (await page.locator(`${TREE} .monaco-list-row`).count()) > 0, 20_000);

  const dismissedFrom = Date.now();
  await runFromPalette(page, '1Claw: Revoke Workspace Access…');
  const dialog = await readDialog(page);
  const shot = await artefacts.capture('revoke-dialog');
  if (ctx.screenshotsDir) fs.copyFileSync(shot, path.join(ctx.screenshotsDir, 'revoke-dialog.png'));
  assert.match(dialog.message, /Revoke this workspace's 1Claw access\?/);
  assert.ok(dialog.buttons.includes('Revoke and Delete Agent…') && dialog.buttons.includes('Revoke Without Deleting Agent'), `buttons: ${dialog.buttons.join(' | ')}`);
  assert.notEqual(dialog.focused, 'Revoke and Delete Agent…', 'Enter would delete the agent');
  checked.push(`revoke dialog: buttons ${dialog.buttons.join(' | ')}; Enter presses "${dialog.focused}"`);

  await page.keyboard.press('Escape');
  await page.locator(DIALOG).first().waitFor({ state: 'hidden', timeout: 10_000 });
  await waitStatus(page, /1Claw: coder-workspace/, 5_000);
  const afterEscape = emulator.requestLog().filter((e) => e.at >= dismissedFrom && e.route.startsWith('DELETE '));
  assert.deepEqual(afterEscape.map((e) => e.route), [], 'Escape changed something at 1Claw');
  checked.push('Escape: nothing revoked, still connected');

  const enteredFrom = Date.now();
  await runFromPalette(page, '1Claw: Revoke Workspace Access…');
  await readDialog(page);
  await page.keyboard.press('Enter');
  await waitStatus(page, /1Claw: Revoked/, 30_000);
  const welcome = await waitFor('the welcome view after revoke', async () => {
    const text = await welcomeText(page);
    return text.includes('still exists') ? text : undefined;
  }, 15_000, 200);
  const kept = await artefacts.capture('revoked-agent-kept');
  if (ctx.screenshotsDir) fs.copyFileSync(kept, path.join(ctx.screenshotsDir, 'revoked-agent-kept.png'));
  const routes = emulator.requestLog().filter((e) => e.at >= enteredFrom).map((e) => `${e.route} ${e.status}`);
  assert.ok(routes.some((r) => r.startsWith('DELETE /v1/auth/token 2')), `requests: ${routes.join(', ')}`);
  assert.ok(!routes.some((r) => r.startsWith('DELETE /v1/agents/')), 'Enter deleted the agent');
  const state = (await admin(emulator, 'GET', '/state')).json as { agents: Array<{ id: string }> };
  assert.ok(state.agents.some((a) => a.id === demo.agentId), 'the agent is gone');
  assert.match(welcome, /You revoked this workspace's 1Claw access/);
  checked.push('Enter: tokens revoked, agent kept; the welcome view says the agent still exists');
  return checked;
}
