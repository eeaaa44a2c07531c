// Drives the VS Code workbench from the page: the 1Claw status bar item, the Vaults tree,
// context menus, quick inputs, notifications, modal dialogs, hovers, and full DOM dumps for leak
// scans. Selectors are VS Code's own (monaco list rows, quick input, dialog box), checked on 1.139.
// (Modal dialogs appear only in a workbench without extension tests: while they run, the workbench
// refuses to show them; the `dialog` scenario runs without them.)
import type { Locator, Page } from './playwright';
import { waitFor } from './procs';

// Browser-side globals, for functions that run inside the page (serialised by playwright).
declare const document: any;

/** The status bar item's DOM id is "<publisher>.<name>.<item id>"; an attribute selector avoids escaping the leading digit. */
export const STATUS_ITEM = '[id="1claw.vscode-1claw.oneclaw.status"]';
/** The view is named "Vaults" (its container is "1Claw": VS Code titles it "1Claw: Vaults"). */
export const TREE = '.monaco-list[aria-label="Vaults"]';
const VIEW_PANE = '.pane:has(.monaco-list[aria-label="Vaults"]), .pane:has(.pane-header .title:text-is("Vaults"))';

export async function statusText(page: Page): Promise<string> {
  const item = page.locator(STATUS_ITEM);
  if ((await item.count()) === 0) return '';
  return normalise(await item.first().innerText({ timeout: 2000 }));
}

/** Waits until the 1Claw status bar item's text matches; returns it. */
export async function waitStatus(page: Page, expected: RegExp, timeoutMs: number): Promise<string> {
  let last = '';
  try {
    return await waitFor(`the 1Claw status bar item to match ${expected}`, async () => {
      last = await statusText(page);
      return expected.test(last) ? last : undefined;
    }, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}; it reads ${JSON.stringify(last)}`, { cause: error });
  }
}

/** Opens the 1Claw view container by clicking its activity bar entry. */
export async function openOneClawView(page: Page): Promise<void> {
  const entry = page.locator('.activitybar a.action-label[aria-label="1Claw"]');
  await entry.waitFor({ state: 'visible', timeout: 15_000 });
  const item = page.locator('.activitybar li.action-item:has(a.action-label[aria-label="1Claw"])');
  const checked = ((await item.first().getAttribute('class')) ?? '').includes('checked');
  if (!checked) await entry.click();
  await page.locator(VIEW_PANE).first().waitFor({ state: 'visible', timeout: 15_000 });
}

export interface TreeRow {
  index: number;
  level: number;
  /** undefined for leaves. */
  expanded: boolean | undefined;
  label: string;
  description: string;
  ariaLabel: string;
}

interface RawRow {
  index: number;
  level: number;
  expanded: string | null;
  loading: boolean;
  label: string;
  description: string;
  ariaLabel: string;
}

/** Rows of the list proper (sticky-scroll copies of parent rows live elsewhere). */
const ROWS = `${TREE} .monaco-list-rows > .monaco-list-row`;

/** The focused row (`index` undefined) or the row at `index`, if rendered. Runs in the page. */
function readRow(arg: { rows: string; index?: number }): RawRow | null {
  const selector = arg.index === undefined ? `${arg.rows}.focused` : `${arg.rows}[data-index="${arg.index}"]`;
  const row = document.querySelector(selector);
  if (!row) return null;
  return {
    index: Number(row.getAttribute('data-index')),
    level: Number(row.getAttribute('aria-level')),
    expanded: row.getAttribute('aria-expanded'),
    loading: !!row.querySelector('.monaco-tl-twistie.codicon-tree-item-loading, .monaco-tl-twistie.loading'),
    label: (row.querySelector('.label-name')?.textContent ?? '').trim(),
    description: (row.querySelector('.label-description')?.textContent ?? '').trim(),
    ariaLabel: row.getAttribute('aria-label') ?? '',
  };
}

async function focusedRow(page: Page): Promise<RawRow | null> {
  return page.evaluate(readRow, { rows: ROWS });
}

function toRow(raw: RawRow): TreeRow {
  return { index: raw.index, level: raw.level, expanded: raw.expanded === null ? undefined : raw.expanded === 'true', label: raw.label, description: raw.description, ariaLabel: raw.ariaLabel };
}

/** Puts keyboard focus on the first row of the 1Claw tree. */
async function focusFirstRow(page: Page): Promise<RawRow> {
  const tree = page.locator(TREE);
  await tree.waitFor({ state: 'visible', timeout: 15_000 });
  await waitFor('the 1Claw tree to have rows', async () => (await page.locator(ROWS).count()) > 0, 20_000);
  await tree.focus();
  await page.keyboard.press('Home');
  return waitFor('a focused row in the 1Claw tree', async () => (await focusedRow(page)) ?? undefined, 5000, 50);
}

/** Number of rows in the list, rendered or not (total height / row height). Runs in the page. */
function listLength(arg: { tree: string; rows: string }): number {
  const container = document.querySelector(`${arg.tree} .monaco-list-rows`);
  const row = document.querySelector(arg.rows);
  const rowHeight = row ? Number.parseFloat(row.style.height || '0') : 0;
  return container && rowHeight > 0 ? Math.round(Number.parseFloat(container.style.height || '0') / rowHeight) : 0;
}

/** Moves focus one row down; undefined at the end of the tree. (data-last-element is not kept current.) */
async function focusNext(page: Page, from: RawRow): Promise<RawRow | undefined> {
  if (from.index >= (await page.evaluate(listLength, { tree: TREE, rows: ROWS })) - 1) return undefined;
  await page.keyboard.press('ArrowDown');
  return waitFor(`focus to move below row ${from.index}`, async () => {
    const row = await focusedRow(page);
    return row && row.index !== from.index ? row : undefined;
  }, 5000, 25);
}

/** Total height of the tree's rows (rendered or not): it grows when a node's children arrive. Runs in the page. */
function rowsHeight(tree: string): number {
  const el = document.querySelector(`${tree} .monaco-list-rows`);
  return el ? Number.parseFloat(el.style.height || '0') : 0;
}

/**
 * Expands the focused, collapsed row with the keyboard and waits until its children are in the
 * list. A refresh that re-renders the tree can swallow the key press, so it is retried (bounded).
 */
async function expandFocused(page: Page, row: RawRow): Promise<RawRow> {
  const before = await page.evaluate(rowsHeight, TREE);
  const loaded = async () => {
    const self = await page.evaluate(readRow, { rows: ROWS, index: row.index });
    if (!self || self.expanded !== 'true' || self.loading) return undefined;
    return (await page.evaluate(rowsHeight, TREE)) > before ? self : undefined;
  };
  for (let attempt = 1; attempt <= 4; attempt++) {
    const focused = await focusedRow(page);
    if (!focused || focused.index !== row.index || focused.label !== row.label) throw new Error(`focus left "${row.label}" while expanding it (now on "${focused?.label ?? 'nothing'}")`);
    // Press only while it is still collapsed: on an expanded node the key moves to its first child.
    if (focused.expanded === 'false') await page.keyboard.press('ArrowRight');
    const expanded = await waitFor(`"${row.label}" to expand`, loaded, 3000, 50).catch(() => undefined);
    if (expanded) return expanded;
  }
  return waitFor(`"${row.label}" to expand (tried 4 times)`, loaded, 5000, 50);
}

/**
 * Walks the whole 1Claw tree with the keyboard (the list is virtualised: only rows in view are in
 * the DOM), expanding every collapsed node when `expandAll`. Returns the rows in display order.
 */
export async function walkTree(page: Page, options: { expandAll: boolean; maxRows?: number; timeoutMs?: number }): Promise<TreeRow[]> {
  const maxRows = options.maxRows ?? 500;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let current: RawRow | undefined = await focusFirstRow(page);
  const rows: TreeRow[] = [];
  while (current && rows.length < maxRows) {
    if (Date.now() > deadline) throw new Error(`walking the 1Claw tree took longer than ${timeoutMs / 1000} s (${rows.length} rows so far)`);
    if (options.expandAll && current.expanded === 'false') current = await expandFocused(page, current);
    rows.push(toRow(current));
    current = await focusNext(page, current);
  }
  if (current) throw new Error(`the 1Claw tree has more than ${maxRows} rows`);
  return rows;
}

export interface TreeListing {
  /** Vault rows (level 1) in order. */
  vaults: Array<{ name: string; description: string }>;
  /** vault name -> secret paths (level ≥ 2 leaves whose description is a version). */
  secrets: Record<string, string[]>;
  /** vault name -> leaf rows that are messages ("No access …", "No secrets …"). */
  messages: Record<string, string[]>;
  /** "vault:path" -> its description (version and flags). */
  descriptions: Record<string, string>;
}

/** Rebuilds vaults, secret paths and messages from walked rows. */
export function listingOf(rows: readonly TreeRow[]): TreeListing {
  const listing: TreeListing = { vaults: [], secrets: {}, messages: {}, descriptions: {} };
  const stack: string[] = [];
  for (const row of rows) {
    stack.length = row.level - 1;
    stack[row.level - 1] = row.label;
    if (row.level === 1) {
      listing.vaults.push({ name: row.label, description: row.description });
      listing.secrets[row.label] ??= [];
      listing.messages[row.label] ??= [];
      continue;
    }
    if (row.expanded !== undefined) continue; // a folder
    const vault = stack[0] ?? '';
    if (/^v\d+/.test(row.description)) {
      const secretPath = stack.slice(1, row.level).join('/');
      (listing.secrets[vault] ??= []).push(secretPath);
      listing.descriptions[`${vault}:${secretPath}`] = row.description;
    } else (listing.messages[vault] ??= []).push(row.label);
  }
  return listing;
}

/** Level and label of every rendered row of the 1Claw tree, in order. Runs in the page. */
function readRenderedRows(rows: string): Array<{ level: number; label: string }> {
  return [...document.querySelectorAll(rows)].map((row: { getAttribute(n: string): string | null; querySelector(s: string): { textContent: string | null } | null }) => ({
    level: Number(row.getAttribute('aria-level')),
    label: (row.querySelector('.label-name')?.textContent ?? '').trim(),
  }));
}

/** "level:label" of every rendered row, e.g. "3:stripe". */
export async function renderedRows(page: Page): Promise<string[]> {
  return (await page.evaluate(readRenderedRows, ROWS)).map((row) => `${row.level}:${row.label}`);
}

/**
 * The Vaults view's title actions. Alone in its container (not connected: the Access and
 * Audit Log views are hidden) VS Code shows them in the side bar's title; beside those views, in
 * its own pane header (visible while the pane is hovered). Only meaningful while the container is open.
 */
export const VIEW_ACTIONS = `.part.sidebar .composite.title .title-actions .action-label, .part.sidebar .pane:has(.pane-header .title:text-is("Vaults")) > .pane-header .actions .action-label`;

export async function collapseAll(page: Page): Promise<void> {
  // Pane-header actions show only while the pane is hovered.
  await page.locator(VIEW_PANE).first().hover();
  await page.locator(VIEW_ACTIONS).and(page.locator('[aria-label="Collapse All"]')).filter({ visible: true }).first().click();
  await waitFor('the 1Claw tree to collapse', async () => (await page.locator(`${ROWS}[aria-level="2"]`).count()) === 0, 10_000, 100);
}

/**
 * Focuses the row at `labels` (one label per level, from the vault down), expanding each parent
 * with the keyboard; `collapseFirst` starts from a collapsed tree. Returns the row's locator.
 */
export async function revealPath(page: Page, labels: readonly string[], options: { collapseFirst?: boolean } = {}): Promise<Locator> {
  if (options.collapseFirst ?? true) await collapseAll(page);
  let current: RawRow | undefined = await focusFirstRow(page);
  for (let depth = 1; depth <= labels.length; depth++) {
    const label = labels[depth - 1]!;
    for (let steps = 0; current && !(current.level === depth && current.label === label); steps++) {
      if (steps > 300 || current.level < depth) throw new Error(`no "${label}" under ${labels.slice(0, depth - 1).join('/') || 'the tree root'}`);
      current = await focusNext(page, current);
    }
    if (!current) throw new Error(`no "${label}" under ${labels.slice(0, depth - 1).join('/') || 'the tree root'}`);
    if (depth < labels.length) {
      if (current.expanded === 'false') current = await expandFocused(page, current);
      current = await focusNext(page, current);
    }
  }
  return page.locator(`${ROWS}[data-index="${current!.index}"]`);
}

/** Right-clicks `row` and clicks the context-menu entry `entry`; returns every entry seen. */
export async function contextMenuAction(page: Page, row: Locator, entry: string, beforeClick?: () => Promise<void>): Promise<string[]> {
  await row.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.first().waitFor({ state: 'visible', timeout: 10_000 });
  const labels = (await page.locator('.context-view .monaco-menu .action-item .action-label').allInnerTexts()).map(normalise).filter(Boolean);
  if (beforeClick) await beforeClick();
  const item = page.locator('.context-view .monaco-menu .action-item').filter({ has: page.locator(`.action-label:text-is("${entry}")`) });
  if ((await item.count()) === 0) {
    await page.keyboard.press('Escape');
    throw new Error(`the context menu has no "${entry}" (it shows: ${labels.join(' | ')})`);
  }
  await item.first().click();
  await menu.first().waitFor({ state: 'hidden', timeout: 10_000 });
  return labels;
}

/** Waits for the quick input (input box or quick pick) whose title contains `titlePart`. */
export async function waitQuickInput(page: Page, titlePart: string, timeoutMs: number): Promise<Locator> {
  await waitFor(`a quick input titled "${titlePart}"`, async () => {
    const title = page.locator('.quick-input-widget .quick-input-title');
    if ((await title.count()) === 0 || !(await page.locator('.quick-input-widget').first().isVisible())) return undefined;
    return normalise(await title.first().innerText()).includes(titlePart) ? true : undefined;
  }, timeoutMs, 100);
  return page.locator('.quick-input-widget').first();
}

/** Labels of the rows of the visible quick pick. */
export async function quickPickRows(page: Page): Promise<string[]> {
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const count = await rows.count();
  const labels: string[] = [];
  for (let i = 0; i < count; i++) labels.push(normalise((await rows.nth(i).getAttribute('aria-label')) ?? (await rows.nth(i).innerText())));
  return labels;
}

export async function closeQuickInput(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await waitFor('the quick input to close', async () => !(await page.locator('.quick-input-widget').first().isVisible()), 5000, 100).catch(() => undefined);
}

/** Texts of every notification in the DOM (toasts and the notification center, shown or not). Runs in the page. */
function readNotifications(): string[] {
  return [...document.querySelectorAll('.notification-list-item-message')].map((el: { textContent: string | null }) => el.textContent ?? '');
}

export async function notificationTexts(page: Page): Promise<string[]> {
  return [...new Set((await page.evaluate(readNotifications, undefined)).map(normalise).filter(Boolean))];
}

/** Opens the notification center (so a screenshot shows it), reads every notification, and returns them. */
export async function openNotificationCenter(page: Page): Promise<string[]> {
  const bell = page.locator('[id="status.notifications"]').first();
  await bell.click();
  await page.locator('.notifications-center').first().waitFor({ state: 'visible', timeout: 10_000 });
  return notificationTexts(page);
}

export async function closeNotificationCenter(page: Page): Promise<void> {
  if (await page.locator('.notifications-center').first().isVisible()) await page.locator('[id="status.notifications"]').first().click();
  await page.locator('.notifications-center').first().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
}

/** Hovers `target` and returns the text of the hover that appears (and contains `hasText`), and its links. */
export async function hoverText(page: Page, target: Locator, hasText: string | RegExp, timeoutMs = 10_000): Promise<{ text: string; links: string[] }> {
  await target.hover();
  const hover = page.locator('.monaco-hover:visible, .workbench-hover:visible').filter({ hasText });
  await hover.first().waitFor({ state: 'visible', timeout: timeoutMs });
  const links = await hover.first().locator('a').evaluateAll((anchors: Array<{ getAttribute(n: string): string | null }>) => anchors.map((a) => a.getAttribute('href') ?? a.getAttribute('data-href') ?? ''));
  return { text: normalise(await hover.first().innerText()), links: links.filter(Boolean) };
}

/** A modal dialog box, as the workbench renders it outside extension tests. */
export const DIALOG = '.monaco-dialog-box';

/** The open dialog's message, its buttons in screen order, and the button that has keyboard focus (what Enter presses). */
export async function readDialog(page: Page): Promise<{ message: string; buttons: string[]; focused: string }> {
  const box = page.locator(DIALOG).first();
  await box.waitFor({ state: 'visible', timeout: 15_000 });
  const message = normalise(await box.locator('.dialog-message-container').first().innerText());
  const buttons = (await box.locator('.dialog-buttons .monaco-button').allInnerTexts()).map(normalise).filter(Boolean);
  const focused = normalise(await page.evaluate(() => String(document.activeElement?.textContent ?? ''), undefined));
  return { message, buttons, focused };
}

/** Runs a command from the command palette (F1), by its full title. */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input').first();
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: title });
  await row.first().waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** The welcome-view text of the 1Claw view (shown when the tree is empty). */
export async function welcomeText(page: Page): Promise<string> {
  const welcome = page.locator(`${VIEW_PANE.split(',')[0]} .welcome-view-content`);
  if ((await welcome.count()) === 0 || !(await welcome.first().isVisible())) return '';
  return normalise(await welcome.first().innerText());
}

export interface DomDump {
  /** Visible text of the document and of every open shadow root. */
  text: string;
  /** Markup of the document and every open shadow root. */
  html: string;
  /** Live values of input and textarea elements (not part of the markup). */
  inputs: string;
}

function collectDom(): { text: string; html: string; inputs: string } {
  const texts: string[] = [document.body ? document.body.innerText : ''];
  const htmls: string[] = [document.documentElement.outerHTML];
  const values: string[] = [];
  const visit = (root: any): void => {
    for (const el of root.querySelectorAll('*')) {
      if ((el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') && el.value) values.push(`${el.tagName}[${el.type ?? ''}]=${el.value}`);
      if (el.shadowRoot) {
        htmls.push(el.shadowRoot.innerHTML);
        texts.push(el.shadowRoot.textContent ?? '');
        visit(el.shadowRoot);
      }
    }
  };
  visit(document);
  for (const frame of document.querySelectorAll('iframe')) {
    try {
      const doc = frame.contentDocument;
      if (doc && doc.documentElement) {
        htmls.push(doc.documentElement.outerHTML);
        texts.push(doc.body ? doc.body.innerText : '');
      }
    } catch {
      // cross-origin frame (webviews): not readable from here
    }
  }
  return { text: texts.join('\n'), html: htmls.join('\n'), inputs: values.join('\n') };
}

export function dumpDom(page: Page): Promise<DomDump> {
  return page.evaluate(collectDom, undefined);
}

export function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const MCP_CLIENTS_HEADER = '.pane-header:has-text("MCP Clients")';
export const MCP_CLIENTS_LIST = '.monaco-list[aria-label="MCP Clients"]';

const VAULTS_HEADER = '.part.sidebar .pane-header:has(.title:text-is("Vaults"))';

/** Expands the MCP Clients view (collapsed by default; the Vaults view is collapsed meanwhile) and returns its rows' text. */
export async function showMcpClients(page: Page): Promise<string[]> {
  await openOneClawView(page);
  const vaults = page.locator(VAULTS_HEADER).first();
  if ((await vaults.getAttribute('aria-expanded')) === 'true') await vaults.click();
  const header = page.locator(MCP_CLIENTS_HEADER).first();
  await header.waitFor({ state: 'visible', timeout: 15_000 });
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  const rows = page.locator(`${MCP_CLIENTS_LIST} .monaco-list-row`);
  let texts: string[] = [];
  for (let i = 0; i < 100 && texts.length < 14; i++) {
    texts = (await rows.allInnerTexts().catch(() => [] as string[])).map(normalise).filter(Boolean);
    if (texts.length < 14) await page.waitForTimeout(100);
  }
  return texts;
}

/** Collapses the MCP Clients view again and brings the vaults view back. */
export async function hideMcpClients(page: Page): Promise<void> {
  const header = page.locator(MCP_CLIENTS_HEADER).first();
  if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
  const vaults = page.locator(VAULTS_HEADER).first();
  if ((await vaults.getAttribute('aria-expanded')) !== 'true') await vaults.click();
}

/** Drags the side bar's sash by `delta` pixels (wider for a picture; back with the opposite delta). */
export async function resizeSideBar(page: Page, delta: number): Promise<void> {
  const at = await page.evaluate(() => {
    const bar = document.querySelector('.part.sidebar')?.getBoundingClientRect();
    if (!bar) return undefined;
    for (const sash of Array.from(document.querySelectorAll('.monaco-sash.vertical')) as any[]) {
      const r = sash.getBoundingClientRect();
      if (Math.abs(r.left + r.width / 2 - bar.right) < 8 && r.height > 100) return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }
    return undefined;
  }, undefined);
  if (!at) return;
  await page.mouse.move(at.x, at.y);
  await page.mouse.down();
  await page.mouse.move(at.x + delta, at.y, { steps: 8 });
  await page.mouse.up();
}
