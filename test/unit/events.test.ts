import * as assert from 'node:assert/strict';
import { Emitter, setListenerErrorSink } from '../../src/util/events';

describe('Emitter', () => {
  afterEach(() => setListenerErrorSink(undefined));

  it('logs a failing listener (its own sink, else the process-wide one) and still calls the others', () => {
    const own: string[] = [];
    const shared: string[] = [];
    setListenerErrorSink({ error: (m) => shared.push(m) });
    for (const [emitter, sink] of [
      [new Emitter<number>({ error: (m) => own.push(m) }), own],
      [new Emitter<number>(), shared],
    ] as const) {
      const seen: number[] = [];
      emitter.event(() => {
        throw new Error('listener broke');
      });
      emitter.event((n) => seen.push(n));
      emitter.fire(7);
      assert.deepEqual(seen, [7]);
      assert.deepEqual(sink, ['An event listener failed: listener broke']);
    }
  });
});
