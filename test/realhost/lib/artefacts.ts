// Test artefacts of one scenario: numbered screenshots, the DOM text and markup of
// each state, and every notification text seen. Each DOM dump is scanned for canaries at once.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from './playwright';
import { canaryKind, findInText, type Finding } from './scan';
import { dumpDom, notificationTexts } from './ui';
import type { ScenarioDirs } from './workbench';

export class Artefacts {
  private counter = 0;
  readonly notifications = new Set<string>();
  readonly findings: Finding[] = [];
  readonly states: string[] = [];
  /** Canaries the test typed itself (the human key in the revoke password box). */
  readonly typedByTest: Finding[] = [];

  constructor(
    private readonly dirs: ScenarioDirs,
    private readonly page: Page,
    private readonly canaries: () => string[],
  ) {}

  get rootDir(): string {
    return this.dirs.root;
  }

  /** Screenshot + DOM text/markup of the current state, scanned for canaries; returns the screenshot path. */
  async capture(state: string): Promise<string> {
    this.counter += 1;
    const base = `${String(this.counter).padStart(2, '0')}-${state}`;
    const shot = path.join(this.dirs.screens, `${base}.png`);
    await this.page.screenshot({ path: shot, timeout: 15_000 });
    const dom = await dumpDom(this.page);
    fs.writeFileSync(path.join(this.dirs.dom, `${base}.txt`), dom.text);
    fs.writeFileSync(path.join(this.dirs.dom, `${base}.html`), dom.html);
    const canaries = this.canaries();
    // Saved with canaries masked: the findings below record what was there.
    fs.writeFileSync(path.join(this.dirs.dom, `${base}.inputs.txt`), canaries.reduce((text, canary) => text.split(canary).join(`[canary: ${canaryKind(canary)}]`), dom.inputs));
    this.findings.push(...findInText(dom.text, canaries, `DOM text of state "${state}"`), ...findInText(dom.html, canaries, `DOM markup of state "${state}"`));
    // Input values: the human key the test types is expected in the password box while it is
    // open; once the box has closed the extension must have wiped it, so anywhere else it is a leak.
    // The same for keys typed into the agent-key box (states named "typed-…").
    for (const finding of findInText(dom.inputs, canaries, `input values of state "${state}"`)) {
      const typed = (finding.kind === 'human key' && state === 'revoke-human-key') || ((finding.kind === 'human key' || finding.kind === 'agent key') && state.startsWith('typed-'));
      (typed ? this.typedByTest : this.findings).push(finding);
    }
    await this.noteNotifications();
    this.states.push(base);
    return shot;
  }

  async noteNotifications(extra: readonly string[] = []): Promise<string[]> {
    const texts = [...(await notificationTexts(this.page).catch(() => [] as string[])), ...extra];
    for (const text of texts) this.notifications.add(text);
    return texts;
  }

  write(): void {
    fs.writeFileSync(path.join(this.dirs.root, 'notifications.json'), `${JSON.stringify([...this.notifications], null, 2)}\n`);
  }
}
