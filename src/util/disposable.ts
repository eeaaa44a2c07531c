export interface Disposable {
  dispose(): void;
}

function disposeAll(items: Iterable<Disposable>): void {
  for (const item of items) {
    try {
      item.dispose();
    } catch {
      // Disposal continues past a failing item so nothing is left behind.
    }
  }
}

/** Owns a set of disposables and releases them together, last in first out. */
export class DisposableStore implements Disposable {
  private items: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    this.disposed = true;
    const items = this.items.reverse();
    this.items = [];
    disposeAll(items);
  }
}
