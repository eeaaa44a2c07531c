// The small part of playwright-core's API the real-host runner uses, typed here because
// playwright-core is not a dependency of the repository: setup.sh installs it outside the repo
// (ONECLAW_PLAYWRIGHT_CORE) and it is loaded from there by path.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Locator {
  click(options?: { button?: 'left' | 'right'; timeout?: number; force?: boolean; position?: { x: number; y: number } }): Promise<void>;
  dblclick(options?: { timeout?: number }): Promise<void>;
  hover(options?: { timeout?: number }): Promise<void>;
  first(): Locator;
  last(): Locator;
  nth(index: number): Locator;
  count(): Promise<number>;
  locator(selector: string): Locator;
  filter(options: { hasText?: string | RegExp; has?: Locator; visible?: boolean }): Locator;
  and(other: Locator): Locator;
  textContent(options?: { timeout?: number }): Promise<string | null>;
  innerText(options?: { timeout?: number }): Promise<string>;
  allInnerTexts(): Promise<string[]>;
  getAttribute(name: string, options?: { timeout?: number }): Promise<string | null>;
  isVisible(): Promise<boolean>;
  waitFor(options?: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number }): Promise<void>;
  fill(value: string, options?: { timeout?: number }): Promise<void>;
  press(key: string, options?: { timeout?: number }): Promise<void>;
  focus(options?: { timeout?: number }): Promise<void>;
  scrollIntoViewIfNeeded(options?: { timeout?: number }): Promise<void>;
  screenshot(options?: { path?: string; timeout?: number }): Promise<Buffer>;
  evaluate<R>(fn: (element: any) => R | Promise<R>): Promise<R>;
  evaluateAll<R>(fn: (elements: any[]) => R | Promise<R>): Promise<R>;
}

export interface ConsoleMessage {
  type(): string;
  text(): string;
}

export interface Page {
  goto(url: string, options?: { timeout?: number; waitUntil?: 'load' | 'domcontentloaded' | 'commit' }): Promise<unknown>;
  exposeFunction(name: string, callback: (...args: never[]) => unknown): Promise<unknown>;
  locator(selector: string): Locator;
  keyboard: { press(key: string): Promise<void>; type(text: string, options?: { delay?: number }): Promise<void>; insertText(text: string): Promise<void> };
  mouse: { move(x: number, y: number, options?: { steps?: number }): Promise<void>; click(x: number, y: number, options?: { button?: 'left' | 'right' }): Promise<void>; down(): Promise<void>; up(): Promise<void> };
  screenshot(options: { path: string; fullPage?: boolean; timeout?: number }): Promise<Buffer>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  on(event: 'console', listener: (message: ConsoleMessage) => void): void;
  on(event: 'pageerror', listener: (error: Error) => void): void;
  on(event: 'close' | 'crash', listener: () => void): void;
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  setDefaultTimeout(ms: number): void;
  bringToFront(): Promise<void>;
  waitForTimeout(ms: number): Promise<void>;
  close(): Promise<void>;
  isClosed(): boolean;
  url(): string;
  context(): BrowserContext;
}

export interface BrowserContext {
  pages(): Page[];
  newPage(): Promise<Page>;
  grantPermissions(permissions: string[], options?: { origin?: string }): Promise<void>;
  waitForEvent(event: 'page', options?: { timeout?: number }): Promise<Page>;
}

export interface Browser {
  contexts(): BrowserContext[];
  close(): Promise<void>;
}

export interface Chromium {
  connectOverCDP(endpointURL: string, options?: { timeout?: number }): Promise<Browser>;
}

/** Loads playwright-core from ONECLAW_PLAYWRIGHT_CORE, or fails saying how to install it. */
export function loadPlaywright(): { chromium: Chromium; version: string } {
  const dir = process.env.ONECLAW_PLAYWRIGHT_CORE;
  if (!dir) throw new Error('ONECLAW_PLAYWRIGHT_CORE is not set: run test/realhost/setup.sh and source the env.sh it writes (test/realhost/run.sh does both).');
  const manifest = path.join(dir, 'package.json');
  if (!fs.existsSync(manifest)) throw new Error(`playwright-core is missing at ${dir} (ONECLAW_PLAYWRIGHT_CORE): re-run test/realhost/setup.sh.`);
  const module = require(dir) as { chromium?: Chromium };
  if (typeof module.chromium?.connectOverCDP !== 'function') throw new Error(`${dir} does not look like playwright-core (no chromium.connectOverCDP).`);
  const version = String((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version?: unknown }).version);
  return { chromium: module.chromium, version };
}
