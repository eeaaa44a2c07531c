/**
 * Issue 19.10: the status bar's countdowns are true to the second. The status bar item is driven
 * with global fake timers through a 15-minute soak of offline spells (Retry-After waits of every
 * length), and at every second its text must equal what the state means at that second; a token
 * that lapses while the extension waits is said in the status bar.
 */
import * as assert from 'node:assert/strict';
import type { ConnectionState, Session } from '../../src/credentials/state';
import { StatusBar } from '../../src/editor/statusBar';
import { presentStatus } from '../../src/views/statusPresentation';
import { GlobalFakeTimers } from '../support/fakeTimers';
import { __reset, __stub } from '../support/vscode-stub';

const START = Date.UTC(2026, 10, 22, 9, 0, 0);

/** A deterministic stream of numbers in [0, 1) (the soak must be the same every run). */
function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('status bar countdowns (soak with faults, fake wall clock)', () => {
  let timers: GlobalFakeTimers;
  let bar: StatusBar | undefined;

  beforeEach(() => {
    __reset();
    timers = new GlobalFakeTimers(START).install();
  });
  afterEach(() => {
    bar?.dispose();
    bar = undefined;
    timers.uninstall();
  });

  it('shows a "retrying in N s" that is right at every second of a 15-minute soak', () => {
    const random = seeded(Number(process.env.ONECLAW_PROPERTY_SEED ?? 19_10));
    bar = new StatusBar(() => ['Claude Code']);
    const item = __stub.statusBarItems[0]!;
    const session = (expiresAt: number): Session => ({ vaultId: '11111111-2222-4333-8444-555555555555', vaultName: 'coder-workspace', source: 'environment', expiresAt, lastRefresh: START });
    let state: ConnectionState = { kind: 'connected', session: session(START + 3_600_000) };
    bar.update(state);
    const wrong: string[] = [];
    let nextFault = START + 20_000;
    while (timers.now() < START + 15 * 60_000) {
      if (timers.now() >= nextFault) {
        // An offline spell: the server asked to wait 5 s … 3 min; sometimes longer than the token lives.
        const wait = Math.round(5_000 + random() * 175_000);
        const lastGood = random() < 0.3 ? session(timers.now() + wait / 2) : session(timers.now() + 3_600_000);
        state = { kind: 'offline', retryAt: timers.now() + wait, error: '429 Too Many Requests', lastGood };
        bar.update(state);
        nextFault = timers.now() + wait + Math.round(random() * 30_000);
      } else if (state.kind === 'offline' && timers.now() >= state.retryAt) {
        state = { kind: 'connected', session: session(timers.now() + 3_600_000) };
        bar.update(state);
      }
      timers.advance(1_000);
      const expected = presentStatus(state, { now: timers.now(), mcpClients: ['Claude Code'] }).text;
      if (item.text !== expected && wrong.length < 5) wrong.push(`${(timers.now() - START) / 1000} s: shows "${item.text}", should be "${expected}"`);
    }
    assert.deepEqual(wrong, []);
  });

  it('says the token has lapsed when the wait outlasts it, in the text and the tooltip', () => {
    bar = new StatusBar(() => []);
    const item = __stub.statusBarItems[0]!;
    const lastGood: Session = { vaultId: '11111111-2222-4333-8444-555555555555', vaultName: 'coder-workspace', source: 'environment', expiresAt: START + 30_000, lastRefresh: START - 60_000 };
    bar.update({ kind: 'offline', retryAt: START + 600_000, error: '429 Too Many Requests', lastGood });
    assert.doesNotMatch(item.text, /lapsed/i);
    timers.advance(31_000);
    assert.match(item.text, /lapsed/i);
    assert.match(String((item.tooltip as { value: string }).value), /expired at \d\d:\d\d:\d\d/);
  });
});
