/**
 * Replaces the global timers and `Date.now` for code that uses them directly (the editor layer's
 * status bar), so a test can step through minutes of wall-clock time and look at every second.
 * Always `uninstall()` in a `finally`: nothing else in the process may see the fake time.
 */
interface FakeTimer {
  id: number;
  at: number;
  repeatMs?: number;
  callback: () => void;
}

export class GlobalFakeTimers {
  private time: number;
  private timers: FakeTimer[] = [];
  private nextId = 1;
  private readonly saved = {
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    setInterval: globalThis.setInterval,
    clearInterval: globalThis.clearInterval,
    now: Date.now,
  };

  constructor(start: number) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  install(): this {
    const add = (callback: () => void, delay: number | undefined, repeat: boolean) => {
      const ms = Math.max(0, Number(delay ?? 0));
      const timer: FakeTimer = { id: this.nextId++, at: this.time + ms, callback, ...(repeat ? { repeatMs: Math.max(1, ms) } : {}) };
      this.timers.push(timer);
      return handle(timer.id);
    };
    const remove = (h: unknown) => {
      const id = idOf(h);
      this.timers = this.timers.filter((t) => t.id !== id);
    };
    const g = globalThis as unknown as Record<string, unknown>;
    g.setTimeout = (cb: () => void, delay?: number) => add(cb, delay, false);
    g.setInterval = (cb: () => void, delay?: number) => add(cb, delay, true);
    g.clearTimeout = remove;
    g.clearInterval = remove;
    Date.now = () => this.time;
    return this;
  }

  uninstall(): void {
    const g = globalThis as unknown as Record<string, unknown>;
    g.setTimeout = this.saved.setTimeout;
    g.clearTimeout = this.saved.clearTimeout;
    g.setInterval = this.saved.setInterval;
    g.clearInterval = this.saved.clearInterval;
    Date.now = this.saved.now;
  }

  /** Moves time to `this.now() + ms`, firing every due timer in order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.time = Math.max(this.time, due.at);
      if (due.repeatMs !== undefined) due.at += due.repeatMs;
      else this.timers = this.timers.filter((t) => t !== due);
      due.callback();
    }
    this.time = target;
  }

  get pending(): number {
    return this.timers.length;
  }
}

/** A handle that also answers `unref`/`ref`, like node's Timeout. */
function handle(id: number): { id: number; unref(): unknown; ref(): unknown; [Symbol.toPrimitive](): number } {
  const h = { id, unref: () => h, ref: () => h, [Symbol.toPrimitive]: () => id };
  return h;
}

function idOf(h: unknown): number | undefined {
  if (typeof h === 'number') return h;
  if (typeof h === 'object' && h !== null && 'id' in h) return Number((h as { id: unknown }).id);
  return undefined;
}
