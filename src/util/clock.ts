import type { Disposable } from './disposable';

/** Time source and timers, injectable so token lifetimes can be tested without waiting. */
export interface Clock {
  now(): number;
  setTimer(callback: () => void, delayMs: number): Disposable;
  sleep(delayMs: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, delayMs) {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    // An unref'd timer never keeps a process (tests, the headers helper) alive on its own.
    handle.unref?.();
    return { dispose: () => clearTimeout(handle) };
  },
  sleep: (delayMs) => new Promise((resolve) => setTimeout(resolve, Math.max(0, delayMs))),
};
