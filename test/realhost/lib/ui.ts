// Drives the VS Code workbench from the page: the 1Claw status bar item, the 1Claw Vaults tree,
// context menus, quick inputs, notifications, and full DOM dumps for leak scans. Selectors are
// VS Code's own (monaco list rows, quick input), checked on 1.139. (Modal dialogs cannot be
// driven from the page while extension tests run: the workbench refuses to show them.)
import type { Locator, Page } from './playwright';
import { waitFor } from './procs';

// Browser-side globals, for functions that run inside the page (serialised by playwright).
declare const document: any;

/** The status bar item's DOM id is "<publisher>.<name>.<item id>"; an attribute selector avoids escaping the leading digit. */
export const STATUS_ITEM = '[id="1claw.vscode-1claw.oneclaw.status"]';
export const TREE = '.monaco-list[aria-label="1Claw Vaults"]';
const VIEW_PANE = '.pane:has(.pane-header[aria-label*="1Claw Vaults"]), .pane:has(.pane-header .title:text-is("1Claw Vaults"))';

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
 * The 1Claw view's title actions. The view is alone in its container, so VS Code shows them in
 * the side bar's title (the pane header is hidden). Only meaningful while the 1Claw container is open.
 */
export const VIEW_ACTIONS = '.part.sidebar .composite.title .title-actions .action-label';

export async function collapseAll(page: Page): Promise<void> {
  await page.locator(`${VIEW_ACTIONS}[aria-label="Collapse All"]`).first().click();
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
