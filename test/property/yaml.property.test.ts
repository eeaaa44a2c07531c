/**
 * Issue 15's properties for YAML (Continue's `mcpServers:` list of maps identified by `name:`),
 * over ≥ 10,000 generated documents, checked with the `yaml` package (Continue's own parser) and
 * a line view of the text.
 */
import * as assert from 'node:assert/strict';
import { parse } from 'yaml';
import { InvalidConfigError } from '../../src/mcp/edit/types';
import { applyYamlEdit } from '../../src/mcp/edit/yaml';
import { sameValue } from './jsonOracle';
import { note, runProperty, timed, type CaseStats } from './support';
import { printYaml, yamlCase, type YamlCase } from './yamlDocs';

const location = { container: 'mcpServers', name: '1claw', listKey: 'name' };
const upsert = (text: string, value: unknown) => applyYamlEdit(text, { ...location, value });
const remove = (text: string) => applyYamlEdit(text, { ...location, value: undefined });
const OUR_DASH = /^(\s*)- (\{\s*)?name:\s*(1claw|"1claw"|'1claw')\s*(,|\}|$)/;

/** Lines outside our block items (an item: its dash line and every deeper line after it); `mcpServers:` itself may come and go. */
function view(text: string, flow: boolean): { lines: string[]; ours: number } {
  const lines: string[] = [];
  let ours = 0;
  let itemColumn = -1;
  for (const line of text.split(/\r?\n/)) {
    const indent = /^\s*/.exec(line)![0].length;
    if (itemColumn >= 0 && (line.trim() === '' || indent > itemColumn)) continue;
    itemColumn = -1;
    const dash = OUR_DASH.exec(line);
    if (dash) {
      ours++;
      itemColumn = dash[1]!.length;
      continue;
    }
    if (line.trim() === '' || (!flow && /^mcpServers:\s*$/.test(line))) continue;
    lines.push(flow && line.startsWith('mcpServers:') ? 'mcpServers: <flow list>' : line);
  }
  return { lines, ours };
}

function expected(root: Record<string, unknown> | null, value: Record<string, unknown> | undefined): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(root ?? {}) };
  const list = Array.isArray(copy.mcpServers) ? [...(copy.mcpServers as unknown[])] : [];
  const isOurs = (x: unknown) => x !== null && typeof x === 'object' && (x as Record<string, unknown>).name === '1claw';
  const last = list.map(isOurs).lastIndexOf(true);
  const next: unknown[] = [];
  list.forEach((x, i) => {
    if (i === last && value) next.push({ name: '1claw', ...value });
    else if (!isOurs(x)) next.push(x);
  });
  if (last < 0 && value) next.push({ name: '1claw', ...value });
  copy.mcpServers = next;
  return copy;
}

/** A list holding nothing may be written as `mcpServers:` (null) or be absent. */
function normalise(v: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...((v as Record<string, unknown>) ?? {}) };
  if (copy.mcpServers === null || copy.mcpServers === undefined || (Array.isArray(copy.mcpServers) && copy.mcpServers.length === 0)) delete copy.mcpServers;
  return copy;
}

function checkCase(c: YamlCase, stats: CaseStats): void {
  const input = printYaml(c);
  const before = parse(input) as Record<string, unknown> | null;
  const value = JSON.parse(JSON.stringify(c.value)) as Record<string, unknown>;
  const vi = view(input, c.flow);
  const had = vi.ours > 0 || (c.flow && input.includes('"1claw"'));
  note(stats, c.flow ? 'flow list' : had ? 'had an entry' : 'no entry');
  let once: string;
  try {
    once = timed(stats, input, () => upsert(input, value));
  } catch (err) {
    assert.ok(err instanceof InvalidConfigError && c.refuse, `unexpected refusal or error: ${String(err)}\n${input}`);
    stats.refused++;
    assert.equal(remove(input), input, 'removal changed a document without our entry');
    return;
  }
  assert.ok(!c.refuse, 'a container the editor documents as refused was edited');
  const after = parse(once) as Record<string, unknown>;
  assert.ok(sameValue(normalise(after), normalise(expected(before, value))), 'semantics beyond our entry changed');
  assert.deepEqual(view(once, c.flow).lines, vi.lines, 'a line outside our item changed');
  assert.equal(timed(stats, once, () => upsert(once, value)), once, 'a second upsert changed the text');
  const back = timed(stats, once, () => remove(once));
  if (!had) assert.equal(back, input, 'upsert then remove did not give the input back');
  assert.ok(sameValue(normalise(parse(back)), normalise(expected(before, undefined))), 'removal changed more than our entry');
  assert.deepEqual(view(back, c.flow).lines, vi.lines, 'removal changed a line outside our item');
}

describe('property: YAML edits (issue 15)', function () {
  this.timeout(300_000);
  it('hold every property over the generated Continue configs', () => {
    runProperty('YAML', yamlCase, checkCase);
  });
});
