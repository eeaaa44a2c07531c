/**
 * The closing checks of a suite ("no secret value was read", "nothing was thrown uncaught") speak
 * for what the suite's tests did. Run alone, such a check would pass with nothing checked, so
 * each first asserts that the work it speaks for happened.
 */
import * as assert from 'node:assert/strict';
import type { EmulatorStats } from '../emulator/types';

/** The suite asked each of `routes` at least once (where a value could have come back) and read no secret value. */
export function assertNoSecretValueRead(stats: EmulatorStats, routes: readonly string[]): void {
  const neverAsked = routes.filter((route) => !stats.byRoute[route]);
  assert.deepEqual(neverAsked, [], 'the suite never made the requests this check speaks for (was it run alone?)');
  assert.equal(stats.secretValueReads, 0, 'a secret value was read');
}

/** `ran` of the suite's `expected` cases ran before this check, and `count` problems were seen across them. */
export function assertNoneAcross(what: string, count: number, ran: number, expected: number): void {
  assert.equal(ran, expected, `only ${ran} of ${expected} cases ran before this check (was it run alone?)`);
  assert.equal(count, 0, `${count} ${what}`);
}
