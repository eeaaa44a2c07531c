import type { Disposable } from './disposable';

export type Listener<T> = (value: T) => void;
export type Event<T> = (listener: Listener<T>) => Disposable;

/** Where a failing listener is reported: the composition root (or the CLI) sets the logger. */
export interface ListenerErrorSink {
  error(message: string): void;
}

let defaultSink: ListenerErrorSink | undefined;

/** Report listener errors of every emitter created without its own sink here (set once at start-up). */
export function setListenerErrorSink(sink: ListenerErrorSink | undefined): void {
  defaultSink = sink;
}

/** A minimal event emitter with the same shape as vscode.EventEmitter, usable without the editor. */
export class Emitter<T> implements Disposable {
  private listeners = new Set<Listener<T>>();

  constructor(private readonly sink?: ListenerErrorSink) {}

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (err) {
        // A failing listener must not stop the others or the producer, but it must be seen.
        (this.sink ?? defaultSink)?.error(`An event listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
