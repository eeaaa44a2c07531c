/**
 * Issue 15's properties for JSON and JSONC, each over ≥ 10,000 generated documents (seeded):
 * the client's parser accepts the result; only our entry changes semantically; every token
 * outside our entry is byte-identical; upsert twice = once; upsert then remove gives the input
 * back (byte for byte when it had no entry of ours); nothing escapes but the documented refusal;
 * and each edit stays under the (loose) time bound.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { applyJsonEdit } from '../../src/mcp/edit/json';
import { InvalidConfigError } from '../../src/mcp/edit/types';
import { CONTAINER, jsonCase, NAME, print, semantics, type JsonCase, type Model } from './jsonDocs';
import { clientRead, layout, outsideTokens, sameValue } from './jsonOracle';
import { note, runProperty, timed, type CaseStats } from './support';

const upsert = (text: string, value: unknown) => applyJsonEdit(text, { container: CONTAINER, name: NAME, value });
const remove = (text: string) => applyJsonEdit(text, { container: CONTAINER, name: NAME, value: undefined });
const body = (text: string) => text.replace(/^\uFEFF/, '');

function own(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

function withEntry(root: unknown, raw: unknown): unknown {
  const value = raw === undefined ? undefined : JSON.parse(JSON.stringify(raw));
  const copy = { ...(root as Record<string, unknown>) };
  const container = { ...((own(copy, CONTAINER) as Record<string, unknown> | undefined) ?? {}) };
  if (value === undefined) delete container[NAME];
  else Object.defineProperty(container, NAME, { value, enumerable: true, writable: true, configurable: true });
  Object.defineProperty(copy, CONTAINER, { value: container, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Equal, where a container holding nothing may also be absent. */
function sameSemantics(actual: unknown, expected: unknown): boolean {
  if (sameValue(actual, expected)) return true;
  const prune = (v: unknown) => {
    const copy = { ...(v as Record<string, unknown>) };
    const c = own(copy, CONTAINER);
    if (c !== undefined && c !== null && typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 0) delete copy[CONTAINER];
    return copy;
  };
  return sameValue(prune(actual), prune(expected));
}

function depthOf(m: Model): number {
  const deep = m !== null && typeof m === 'object' && !Array.isArray(m) && 'entries' in m ? m.entries.find(([, v]) => v !== null && typeof v === 'object' && 'deep' in v) : undefined;
  return deep ? (deep[1] as { deep: number }).deep : 0;
}

function checkCase(c: JsonCase, stats: CaseStats): void {
  const input = print(c);
  let strict = true;
  try {
    JSON.parse(body(input));
  } catch {
    strict = false;
  }
  note(stats, strict ? 'strict' : 'jsonc');
  const trailing = !strict && /,\s*(\/\/[^\r\n]*[\r\n]\s*|\/\*[^*]*\*\/\s*)*[}\]]/.test(input);
  // JSONC deeper than the editor's documented limit (its parser recurses) must be refused.
  const deepJsonc = !strict && depthOf(c.root) + 1 > 1_000;
  const before = semantics(c.root);
  const effective = own(before, CONTAINER);
  const containerIsObject = effective === undefined || (effective !== null && typeof effective === 'object' && !Array.isArray(effective));
  const hadEntry = layout(body(input)).ours.length > 0;
  if (!deepJsonc && depthOf(c.root) < 1_500) assert.ok(sameValue(clientRead(body(input), strict, true), before), 'the generator and the parser disagree');

  let once: string;
  try {
    once = timed(stats, input, () => upsert(input, c.value));
  } catch (err) {
    assert.ok(err instanceof InvalidConfigError, `not the documented refusal: ${String(err)}`);
    assert.ok((!containerIsObject && /is not an object/.test(err.message)) || (deepJsonc && /nested too deeply/.test(err.message)), `unexpected refusal: ${err.message}`);
    stats.refused++;
    return;
  }
  assert.ok(!deepJsonc, 'a JSONC document its own parser cannot read was edited');
  assert.ok(containerIsObject, 'a non-object container was written over');
  // 1. The client's parser accepts it (strict stays strict; no trailing commas added).
  const after = clientRead(body(once), strict, trailing);
  // 2. Only our entry changed.
  assert.ok(sameValue(after, withEntry(before, c.value)), 'semantics beyond our entry changed');
  // 3. Every token outside our entry is byte-identical.
  assert.deepEqual(outsideTokens(layout(body(once))), outsideTokens(layout(body(input))), 'a token outside our entry changed');
  assert.equal(once.startsWith('\uFEFF'), input.startsWith('\uFEFF'));
  // 4. Upsert twice = once.
  assert.equal(timed(stats, once, () => upsert(once, c.value)), once, 'a second upsert changed the text');
  // 5. Upsert then remove = input (bytes when there was no entry before).
  const back = timed(stats, once, () => remove(once));
  if (!hadEntry) assert.equal(back, input, 'upsert then remove did not give the input back');
  else {
    note(stats, 'had an entry');
    assert.ok(sameSemantics(clientRead(body(back), strict, trailing), withEntry(before, undefined)), 'removal changed more than our entry');
    assert.equal(layout(body(back)).ours.length, 0, 'a copy of our entry survived removal');
  }
  // Removal straight from the input leaves no copy of ours and nothing else changed.
  const removed = timed(stats, input, () => remove(input));
  assert.equal(layout(body(removed)).ours.length, 0, 'a copy of our entry survived removal');
  assert.deepEqual(outsideTokens(layout(body(removed))), outsideTokens(layout(body(input))), 'removal changed a token outside our entry');
  assert.ok(sameSemantics(clientRead(body(removed), strict, trailing), withEntry(before, undefined)) || !hadEntry, 'removal changed more than our entry');
}

describe('property: JSON and JSONC edits (issue 15)', function () {
  this.timeout(300_000);
  it('hold every property for strict JSON (Claude Code, Cursor, Gemini… as JSON.parse reads them)', () => {
    runProperty('JSON', jsonCase.map((c) => ({ ...c, style: { ...c.style, comments: false, trailingCommas: false } })), checkCase);
  });
  it('hold every property for JSONC (VS Code, Zed, OpenCode… as jsonc-parser reads them)', () => {
    runProperty('JSONC', jsonCase.map((c) => ({ ...c, style: { ...c.style, comments: true } })), checkCase);
  });
  it('examples: the generator covers the shapes the issue lists', () => {
    const sample = fc.sample(jsonCase, { seed: 1, numRuns: 300 }).map(print);
    for (const [what, test] of [
      ['comments', (t: string) => t.includes('/*') || t.includes('//')],
      ['CRLF', (t: string) => t.includes('\r\n')],
      ['CR only', (t: string) => /\r(?!\n)/.test(t)],
      ['tabs', (t: string) => t.includes('\t"')],
      ['BOM', (t: string) => t.startsWith('\uFEFF')],
      ['escaped keys', (t: string) => /"[^"]*\\u00[0-9a-f]{2}[^"]*"\s*:/.test(t)],
      ['deep nesting', (t: string) => t.includes('['.repeat(500))],
      ['duplicate entries', (t: string) => t.split(`"${NAME}"`).length > 2],
    ] as const) assert.ok(sample.some(test), `no generated document has ${what}`);
  });
});
