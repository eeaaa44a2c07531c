/** Polling with a bound, shared by every suite that waits on something real. */
import type { ConnectionState } from '../../src/credentials/state';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs` saying what it waited for. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, intervalMs = 250): Promise<T> {
  const started = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() - started > timeoutMs) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`gave up after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}${detail}`);
    }
    await sleep(intervalMs);
  }
}

/** Waits until a synchronous condition holds (polling every 5 ms). */
export async function until(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  await waitFor(what, () => predicate() || undefined, timeoutMs, 5);
}

/** What `settled` reads of a session (src/credentials/session.ts): its state and its state events. */
interface StateSource {
  readonly state: ConnectionState;
  onDidChangeState(listener: (state: ConnectionState) => void): { dispose(): void };
}

/** The session's state once it is no longer "connecting"/"bootstrapping", or whatever it is after `timeoutMs`. */
export function settled(session: StateSource, timeoutMs = 30_000): Promise<ConnectionState> {
  const busy = (s: ConnectionState) => s.kind === 'connecting' || s.kind === 'bootstrapping';
  if (!busy(session.state)) return Promise.resolve(session.state);
  return new Promise((resolve) => {
    const finish = (state: ConnectionState) => {
      clearTimeout(timer);
      subscription.dispose();
      resolve(state);
    };
    const timer = setTimeout(() => finish(session.state), timeoutMs);
    const subscription = session.onDidChangeState((state) => {
      if (!busy(state)) finish(state);
    });
  });
}
