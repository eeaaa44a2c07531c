// The page-side half of the issue-20 scenarios: device sign-in ("signin") and an existing agent key
// with the access and audit views ("keys"). Each checkpoint drives the workbench as a person
// would (welcome buttons, notification buttons, the password box, view panes), asserts what the
// page shows, and captures it. The best captures are copied to media/screenshots/ on request.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { call, humanToken, str } from '../emulator/testing';
import type { CheckpointHandler } from './lib/control';
import type { Locator, Page } from './lib/playwright';
import { waitFor } from './lib/procs';
import { closeNotificationCenter, closeQuickInput, normalise, notificationTexts, openNotificationCenter, openOneClawView, statusText, waitQuickInput, waitStatus } from './lib/ui';
import type { ScenarioContext } from './scenarios';

// While extension tests run the workbench shows no toasts: notifications are read, and their
// buttons clicked, in the notification centre (opened from the status bar's bell).
const CENTER_ITEMS = '.notifications-center .notification-list-item';

async function openCenter(page: Page): Promise<void> {
  if (!(await page.locator('.notifications-center').first().isVisible().catch(() => false))) await openNotificationCenter(page);
}

/** The newest notification whose text matches (the centre is opened). */
async function centreItem(page: Page, text: RegExp, timeoutMs = 15_000): Promise<{ locator: Locator; text: string }> {
  await openCenter(page);
  return waitFor(`a notification matching ${text}`, async () => {
    const items = page.locator(CENTER_ITEMS);
    for (let i = 0; i < (await items.count()); i++) {
      const item = items.nth(i);
      const content = normalise(await item.innerText().catch(() => ''));
      if (text.test(content)) return { locator: item, text: content };
    }
    return undefined;
  }, timeoutMs, 100);
}

/** The text of the newest notification matching. */
async function notification(page: Page, text: RegExp, timeoutMs = 15_000): Promise<string> {
  return (await centreItem(page, text, timeoutMs)).text;
}

async function clickButton(item: Locator, label: string): Promise<void> {
  const button = item.locator(`.monaco-button:text-is("${label}")`).first();
  if (!(await button.isVisible())) await item.locator('.codicon-notifications-expand').first().click().catch(() => undefined);
  await button.click();
}

/** Clears the notification centre and closes it (a clean page for the next step). */
async function clearNotifications(page: Page): Promise<void> {
  await openCenter(page);
  await page.locator('.notifications-center .codicon-notifications-clear-all').first().click({ timeout: 3000 }).catch(() => undefined);
  await closeNotificationCenter(page);
}

/** Sign-in progress: the notification naming the code; returns it. */
async function signInCode(page: Page): Promise<{ code: string; progress: Locator; text: string }> {
  const { locator, text } = await centreItem(page, /1Claw sign-in.*approve the code [B-Z]{4}-[B-Z]{4}/, 20_000);
  return { code: /approve the code ([B-Z]{4}-[B-Z]{4})/.exec(text)![1]!, progress: locator, text };
}

/** A wider side bar, so the access and audit rows are readable in a screenshot (drags its sash). */
async function widenSideBar(page: Page, width = 700): Promise<void> {
  const box = await page.evaluate(() => {
    const el = (globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): { right: number } } | null } }).document.querySelector('.part.sidebar');
    return el ? el.getBoundingClientRect().right : 0;
  }, undefined);
  if (box === 0 || box >= width - 20) return;
  await page.mouse.move(box + 1, 400);
  await page.mouse.down();
  await page.mouse.move(width, 400, { steps: 8 });
  await page.mouse.up();
}

/** Expands the pane titled `title` (Access, Audit Log) and collapses the others, so it has the room. */
async function showPane(page: Page, title: string): Promise<void> {
  await openOneClawView(page);
  await widenSideBar(page);
  for (const other of ['Vaults', 'Access', 'Audit Log', 'MCP Clients']) {
    const header = page.locator(`.part.sidebar .pane-header:has(.title:text-is("${other}"))`).first();
    if ((await header.count()) === 0) continue;
    const expanded = (await header.getAttribute('aria-expanded')) === 'true';
    if (expanded !== (other === title)) await header.click();
  }
}

/** "label | description" of every rendered row of the list titled `label` (read in the page, no waiting). */
async function listRows(page: Page, label: string): Promise<string[]> {
  const rows = await page.evaluate((list: string) => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ querySelector(s: string): { textContent: string | null } | null }> } }).document;
    return Array.from(doc.querySelectorAll(`.monaco-list[aria-label="${list}"] .monaco-list-row`)).map((row) => [row.querySelector('.label-name')?.textContent ?? '', row.querySelector('.label-description')?.textContent ?? '']);
  }, label);
  return rows.map(([name, description]) => (normalise(description ?? '') ? `${normalise(name ?? '')} | ${normalise(description ?? '')}` : normalise(name ?? '')));
}

function copyForReadme(ctx: ScenarioContext, shot: string, name: string): void {
  if (ctx.screenshotsDir) fs.copyFileSync(shot, path.join(ctx.screenshotsDir, name));
}

async function connectedStatus(page: Page): Promise<string> {
  return waitStatus(page, /1Claw: coder-workspace/, 30_000);
}

export function signinCheckpoints(ctx: ScenarioContext): Record<string, CheckpointHandler> {
  const { page, artefacts } = ctx;
  return {
    welcome: async () => {
      await openOneClawView(page);
      const buttons = await waitFor('the welcome view\'s buttons', async () => {
        const labels = (await page.locator('.part.sidebar .welcome-view-content .monaco-button').allInnerTexts()).map(normalise).filter(Boolean);
        return labels.length >= 4 ? labels : undefined;
      }, 20_000, 200);
      const text = normalise(await page.locator('.part.sidebar .welcome-view-content').first().innerText());
      const shot = await artefacts.capture('welcome-sign-in-first');
      copyForReadme(ctx, shot, 'welcome-sign-in.png');
      return { buttons, text };
    },

    'device-cancel': async () => {
      const { code, progress, text } = await signInCode(page);
      await artefacts.capture('device-code-shown');
      await clickButton(progress, 'Cancel');
      await notification(page, /1Claw sign-in cancelled\. Nothing was created/);
      await clearNotifications(page);
      return { code, progress: text };
    },

    'device-copy-open': async () => {
      const { code } = await signInCode(page);
      const offer = await centreItem(page, new RegExp(`Your 1Claw sign-in code is ${code}`));
      const opened = page.context().waitForEvent('page', { timeout: 15_000 });
      await clickButton(offer.locator, 'Copy Code and Open Browser');
      const tab = await opened;
      const openedUrl = tab.url() === 'about:blank' ? await waitFor('the new tab\'s address', async () => (tab.url() !== 'about:blank' ? tab.url() : undefined), 10_000, 100) : tab.url();
      await tab.close();
      await page.bringToFront();
      await artefacts.capture('device-code-copied');
      return { code, openedUrl };
    },

    'device-denied': async () => {
      const error = await notification(page, /1Claw sign-in: The sign-in was denied/);
      await artefacts.capture('device-denied');
      await clearNotifications(page);
      return { error };
    },

    'device-expired': async () => {
      const error = await notification(page, /1Claw sign-in: The sign-in code expired/);
      await artefacts.capture('device-expired');
      await clearNotifications(page);
      return { error };
    },

    'device-waiting': async () => {
      const { code } = await signInCode(page);
      await centreItem(page, new RegExp(`Your 1Claw sign-in code is ${code}`));
      await page.mouse.move(640, 400);
      const shot = await artefacts.capture('device-sign-in');
      copyForReadme(ctx, shot, 'device-sign-in.png');
      return { code };
    },

    'signed-in': async () => {
      const status = await connectedStatus(page);
      await openOneClawView(page);
      await notification(page, /Your sign-in session was used once and revoked/, 20_000);
      const notifications = await notificationTexts(page);
      await artefacts.capture('signed-in-connected');
      await clearNotifications(page);
      return { status, notifications };
    },

    final: async () => {
      const notifications = await notificationTexts(page);
      await artefacts.noteNotifications(notifications);
      await artefacts.capture('final');
      return { status: await statusText(page), notifications };
    },
  };
}

export function keysCheckpoints(ctx: ScenarioContext): Record<string, CheckpointHandler> {
  const { page, emulator, artefacts } = ctx;
  const demo = emulator.demo!;
  /** Types into the open agent-key box; returns it. */
  const typeKey = async (key: string) => {
    const box = await waitQuickInput(page, '1Claw agent key', 15_000);
    const input = box.locator('.quick-input-box input').first();
    assert.equal(await input.getAttribute('type'), 'password');
    await input.fill(key);
    return { box, input };
  };
  const typeVault = async (vaultId: string) => {
    const box = await waitQuickInput(page, '1Claw vault (optional)', 15_000);
    await box.locator('.quick-input-box input').first().fill(vaultId);
    await box.locator('.quick-input-box input').first().press('Enter');
  };
  return {
    'typed-wrong-prefix': async () => {
      const { box, input } = await typeKey(demo.humanKey);
      await input.press('Enter');
      const message = await waitFor('the box\'s validation message', async () => {
        const text = normalise(await box.locator('.quick-input-message').first().innerText().catch(() => ''));
        return /must be an agent key/.test(text) ? text : undefined;
      }, 10_000, 100);
      assert.ok(await box.isVisible(), 'the box stays open on a key of the wrong kind');
      const shot = await artefacts.capture('typed-wrong-prefix');
      copyForReadme(ctx, shot, 'existing-key-wrong-prefix.png');
      await closeQuickInput(page);
      return { passwordInput: true, message };
    },

    'typed-revoked-key': async () => {
      // An agent of the demo org, then deleted: its key is refused by 1Claw.
      const token = await humanToken(emulator);
      const created = await call(emulator.url, 'POST', '/v1/agents', { token, body: { name: 'deleted-agent', vault_ids: [demo.vaultId] } });
      emulator.deleteAgent(str(created.json, 'agent', 'id'));
      const { input } = await typeKey(str(created.json, 'api_key'));
      await artefacts.capture('typed-revoked-key');
      await input.press('Enter');
      await typeVault(demo.vaultId);
      const error = await notification(page, /1Claw refused this agent key/);
      await artefacts.capture('revoked-key-refused');
      await clearNotifications(page);
      return { error };
    },

    'typed-agent-key': async () => {
      const { input } = await typeKey(demo.agentKey);
      await artefacts.capture('typed-agent-key');
      await input.press('Enter');
      await typeVault(demo.vaultId);
      await notification(page, /1Claw is set up with your agent key for vault/, 20_000);
      return {};
    },

    'key-connected': async () => {
      const status = await connectedStatus(page);
      await openOneClawView(page);
      await artefacts.capture('key-connected');
      await clearNotifications(page);
      return { status };
    },

    'access-view': async () => {
      await showPane(page, 'Access');
      await waitFor('the access rows', async () => ((await listRows(page, 'Access')).some((r) => r.startsWith('shared-config')) ? true : undefined), 20_000, 200);
      // Every vault open: its grants, or the reason it cannot be read.
      for (const vault of ['empty-sandbox', 'finance-prod', 'shared-config']) await page.locator('.monaco-list[aria-label="Access"] .monaco-list-row').filter({ hasText: vault }).first().click();
      const rows = await waitFor('the grants and reasons under every vault', async () => {
        const r = await listRows(page, 'Access');
        return r.some((row) => /no policy grants the agent anything here/.test(row)) && r.some((row) => row.startsWith('read on config/**')) ? r : undefined;
      }, 10_000, 200);
      await page.mouse.move(640, 790);
      const shot = await artefacts.capture('access-view');
      copyForReadme(ctx, shot, 'access-view.png');
      return { rows };
    },

    'audit-view': async () => {
      await showPane(page, 'Audit Log');
      const rows = await waitFor('the audit rows', async () => {
        const r = await listRows(page, 'Audit Log');
        return r.some((row) => row.startsWith('secret.read db/prod/password')) ? r : undefined;
      }, 20_000, 200);
      await page.mouse.move(640, 790);
      const shot = await artefacts.capture('audit-view');
      copyForReadme(ctx, shot, 'audit-view.png');
      return { rows };
    },

    'audit-refused': async () => {
      await showPane(page, 'Audit Log');
      const rows = await waitFor('the refusal in the audit view', async () => {
        const r = await listRows(page, 'Audit Log');
        return r.some((row) => row.startsWith('1Claw does not let this agent read the audit log')) ? r : undefined;
      }, 20_000, 200);
      await artefacts.capture('audit-refused');
      return { rows };
    },

    'request-access': async () => {
      const name = await waitQuickInput(page, 'Request 1Claw access (1/2)', 15_000);
      await name.locator('.quick-input-box input').first().press('Enter');
      const email = await waitQuickInput(page, 'Request 1Claw access (2/2)', 15_000);
      await email.locator('.quick-input-box input').first().fill(demo.humanEmail);
      await email.locator('.quick-input-box input').first().press('Enter');
      const { text } = await centreItem(page, /Access requested\./, 20_000);
      const shot = await artefacts.capture('request-access');
      copyForReadme(ctx, shot, 'request-access.png');
      return { message: text };
    },

    final: async () => {
      const notifications = await notificationTexts(page);
      await artefacts.noteNotifications(notifications);
      await artefacts.capture('final');
      return { status: await statusText(page), notifications };
    },
  };
}
