/**
 * Issue 15's properties for TOML (Codex `[mcp_servers.<name>]`), over ≥ 10,000 generated
 * documents, checked with smol-toml (the format's parser) and a line view of the text.
 */
import * as assert from 'node:assert/strict';
import { parse } from 'smol-toml';
import { applyTomlEdit } from '../../src/mcp/edit/toml';
import { InvalidConfigError } from '../../src/mcp/edit/types';
import { sameValue } from './jsonOracle';
import { note, runProperty, timed, type CaseStats } from './support';
import { printToml, tomlCase, type TomlCase } from './tomlDocs';

const OURS = ['mcp_servers', '1claw'];
const upsert = (text: string, value: unknown) => applyTomlEdit(text, { container: 'mcp_servers', name: '1claw', value });
const remove = (text: string) => applyTomlEdit(text, { container: 'mcp_servers', name: '1claw', value: undefined });

function headerPath(line: string): string[] | undefined {
  const t = line.trim();
  if (!t.startsWith('[')) return undefined;
  const inner = t.replace(/^\[\[?/, '').replace(/\]\]?(\s*#.*)?$/, '');
  const parts: string[] = [];
  for (const m of inner.matchAll(/\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*(?:\.|$)/g)) {
    const p = m[1]!;
    parts.push(p.startsWith('"') ? (JSON.parse(p) as string) : p.startsWith("'") ? p.slice(1, -1) : p);
  }
  return parts;
}

/** Lines outside our tables (keys and headers), and comments outside our tables' own lines. */
function view(text: string): { lines: string[]; comments: string[]; ours: number } {
  const lines: string[] = [];
  const comments: string[] = [];
  let inOurs = false;
  let ours = 0;
  let pending: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const header = headerPath(line);
    if (header) {
      comments.push(...pending);
      pending = [];
      inOurs = OURS.every((k, i) => header[i] === k);
      if (inOurs) ours++;
      else lines.push(line);
    } else if (line.trim().startsWith('#')) {
      (inOurs ? pending : comments).push(line.trim());
    } else if (line.trim() !== '') {
      if (inOurs) pending = []; // comments between our own keys may go
      else lines.push(line);
    }
  }
  comments.push(...pending);
  return { lines, comments, ours };
}

function withEntry(root: Record<string, unknown>, value: unknown): Record<string, unknown> {
  const servers: Record<string, unknown> = { ...((root.mcp_servers as Record<string, unknown>) ?? {}) };
  if (value === undefined) delete servers['1claw'];
  else servers['1claw'] = value;
  const copy: Record<string, unknown> = { ...root, mcp_servers: servers };
  if (Object.keys(servers).length === 0) delete copy.mcp_servers;
  return copy;
}

const pruned = (v: Record<string, unknown>) => (v.mcp_servers && Object.keys(v.mcp_servers as object).length === 0 ? withEntry(v, undefined) : v);

function checkCase(c: TomlCase, stats: CaseStats): void {
  const input = printToml(c);
  const before = parse(input) as Record<string, unknown>;
  const value = JSON.parse(JSON.stringify(c.value)) as Record<string, unknown>;
  const had = view(input).ours > 0 || c.refuse;
  let once: string;
  try {
    once = timed(stats, input, () => upsert(input, value));
  } catch (err) {
    assert.ok(err instanceof InvalidConfigError && c.refuse, `unexpected refusal or error: ${String(err)}`);
    assert.match(err.message, /in a form 1Claw does not rewrite/);
    stats.refused++;
    return;
  }
  assert.ok(!c.refuse, 'a form the editor documents as refused was edited');
  note(stats, had ? 'had an entry' : 'no entry');
  const after = parse(once) as Record<string, unknown>;
  assert.ok(sameValue(pruned(after), withEntry(before, value)), 'semantics beyond our entry changed');
  const [vi, vo] = [view(input), view(once)];
  assert.deepEqual(vo.lines, vi.lines, 'a line outside our table changed');
  assert.deepEqual(vo.comments.filter((l) => vi.comments.includes(l)), vi.comments, 'a comment outside our table was lost');
  assert.equal(timed(stats, once, () => upsert(once, value)), once, 'a second upsert changed the text');
  const back = timed(stats, once, () => remove(once));
  if (!had) assert.equal(back, input, 'upsert then remove did not give the input back');
  assert.ok(sameValue(pruned(parse(back) as Record<string, unknown>), withEntry(before, undefined)), 'removal changed more than our entry');
  assert.equal(view(back).ours, 0);
  assert.deepEqual(view(back).lines, vi.lines);
}

describe('property: TOML edits (issue 15)', function () {
  this.timeout(300_000);
  it('hold every property over the generated Codex configs', () => {
    runProperty('TOML', tomlCase, checkCase);
  });
});
