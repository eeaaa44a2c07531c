/**
 * A controllable clock: time moves only when the test says so, and timers fire in order as it
 * moves. `sleep` resolves when time reaches its deadline, so retry loops run without waiting.
 */
import type { Clock } from '../../src/util/clock';

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

export class FakeClock implements Clock {
  private time: number;
  private timers: Timer[] = [];
  private seq = 0;

  constructor(start = Date.UTC(2026, 10, 22, 9, 0, 0)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, delayMs: number) {
    const timer: Timer = { at: this.time + Math.max(0, delayMs), seq: this.seq++, callback };
    this.timers.push(timer);
    return { dispose: () => void (this.timers = this.timers.filter((t) => t !== timer)) };
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(resolve, delayMs));
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Time of the next pending timer, if any. */
  get nextTimerAt(): number | undefined {
    return this.timers.length ? Math.min(...this.timers.map((t) => t.at)) : undefined;
  }

  /**
   * Move time forward by `ms`, firing every timer due on the way. Between timers, real
   * microtasks (and, with `settleMs`, real I/O such as HTTP to the emulator) get to run.
   */
  async advance(ms: number, settleMs = 0): Promise<void> {
    const target = this.time + ms;
    for (let guard = 0; guard < 100_000; guard++) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
      await settle(settleMs);
    }
    this.time = target;
    await settle(settleMs);
  }
}

/** Let pending promise callbacks (and optionally real I/O for `ms`) run. */
export async function settle(ms = 0): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  else await new Promise((resolve) => setImmediate(resolve));
}
