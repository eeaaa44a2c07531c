/**
 * Generated Continue-style YAML configs: top-level keys with comments and blank lines, an
 * `mcpServers:` list in every shape a person writes (absent, empty with a comment, block items at
 * the key's column or indented, flow `[...]`), other servers with nested maps, lists and comments,
 * maybe items of ours (duplicates too, names plain or quoted, block or flow), CRLF, a missing
 * final newline, a `---` marker; rarely a container the editor must refuse.
 */
import * as fc from 'fast-check';

export interface YamlCase {
  lines: string[];
  eol: string;
  finalNewline: boolean;
  refuse: boolean;
  flow: boolean;
  value: Record<string, unknown>;
}

const scalar = fc.oneof(
  fc.constantFrom('plain text', '"double \\" quoted é"', "'single ''quoted'''", '42', 'true', 'null', '~', '"${{ secrets.KEY }}"', 'https://example.test/mcp', '"🔑 ключ"', '>-\n  folded', '"# not a comment"'),
  fc.string({ unit: 'grapheme', maxLength: 8 }).map((s) => JSON.stringify(s).replace(/[\u0080-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)),
);
const comment = fc.constantFrom('# a comment', '# - name: 1claw', '#', '# ключ 🔑');

/** A block map's lines at `indent`, with an optional nested map and list. */
function blockMap(indent: string, first: [string, string] | undefined) {
  return fc
    .tuple(
      fc.uniqueArray(fc.tuple(fc.constantFrom('command', 'type', 'url', 'apiKey', 'provider', 'x-odd'), scalar), { selector: ([k]) => k, maxLength: 3 }),
      fc.option(fc.tuple(fc.constantFrom('requestOptions', 'env'), fc.array(fc.tuple(fc.constantFrom('A', 'B_2', 'X-Vault-ID'), scalar), { maxLength: 2 })), { freq: 3 }),
      fc.option(fc.array(scalar, { minLength: 1, maxLength: 2 }), { freq: 3 }),
      fc.option(comment, { freq: 4 }),
    )
    .map(([pairs, nested, list, note]) => {
      const lines = first ? [`${indent}${first[0]}: ${first[1]}`] : [];
      for (const [k, v] of pairs) lines.push(...`${indent}${k}: ${v}`.split('\n').map((l, i) => (i === 0 ? l : `${indent}${l}`)));
      if (nested) {
        const seen = new Set<string>();
        lines.push(`${indent}${nested[0]}:`, ...nested[1].filter(([k]) => !seen.has(k) && seen.add(k)).map(([k, v]) => `${indent}  ${k}: ${v.split('\n')[0]}`));
        if (lines[lines.length - 1] === `${indent}${nested[0]}:`) lines[lines.length - 1] += ' {}';
      }
      if (list) lines.push(`${indent}args:`, ...list.map((v) => `${indent}  - ${v.split('\n')[0]}`));
      if (note) lines.push(`${indent}${note}`);
      return lines;
    });
}

const OUR_NAMES = ['1claw', '"1claw"', "'1claw'"];

/** One list item (block): `- name: …` then the rest of its map two columns further. */
function item(dash: string, ours: boolean) {
  const name = ours ? fc.constantFrom(...OUR_NAMES) : fc.constantFrom('other', 'github', '"é server"');
  return name.chain((n) => blockMap(`${dash}  `, ['name', n]).map((lines) => [`${dash}- ${lines[0]!.slice(dash.length + 2)}`, ...lines.slice(1)]));
}

export const entryValue: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    type: fc.constant('streamable-http'),
    url: fc.oneof(fc.constant('https://mcp.1claw.xyz/mcp'), fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => `https://mcp.1claw.xyz/mcp?${s}`)),
    requestOptions: fc.record({ headers: fc.dictionary(fc.constantFrom('X-Vault-ID', 'Authorization', 'yes'), fc.string({ unit: 'grapheme', maxLength: 6 }), { maxKeys: 2 }) }),
  },
  { requiredKeys: ['type', 'url'] },
);

const container = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'absent' as const }) },
  { weight: 2, arbitrary: fc.option(comment, { freq: 2 }).map((c) => ({ kind: 'empty' as const, comment: c })) },
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('block' as const), indent: fc.constantFrom('', '  ', '    '), ours: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }), gaps: fc.array(fc.option(comment, { freq: 3 }), { minLength: 4, maxLength: 4 }) }),
  },
  { weight: 1, arbitrary: fc.constantFrom({ kind: 'flow' as const, items: '[]' }, { kind: 'flow' as const, items: '[{name: a}, {name: "1claw", url: x}]' }, { kind: 'flow' as const, items: '[ {name: b} ]' }) },
  { weight: 1, arbitrary: fc.constantFrom({ kind: 'refuse' as const, text: 'mcpServers: null' }, { kind: 'refuse' as const, text: 'mcpServers: {other: {}}' }, { kind: 'refuse' as const, text: 'mcpServers: &servers\n  - name: x' }) },
);

export const yamlCase: fc.Arbitrary<YamlCase> = fc
  .record({
    marker: fc.boolean(),
    head: fc.uniqueArray(fc.tuple(fc.constantFrom('name', 'version', 'schema', 'rules'), scalar), { selector: ([k]) => k, maxLength: 3 }),
    headComment: fc.option(comment, { freq: 2 }),
    container,
    tail: fc.uniqueArray(fc.tuple(fc.constantFrom('models', 'context', 'docs'), fc.constantFrom('[]', '\n  - provider: code', '\n  - name: m\n    provider: openai # trailing')), { selector: ([k]) => k, maxLength: 2 }),
    eol: fc.constantFrom('\n', '\n', '\r\n'),
    finalNewline: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    value: entryValue,
  })
  .chain((g) => {
    const c = g.container;
    const items = c.kind === 'block' ? fc.tuple(...c.ours.map((o) => item(c.indent, o))) : fc.constant([] as string[][]);
    return items.map((its) => {
      const lines: string[] = [];
      if (g.marker) lines.push('---');
      if (g.headComment) lines.push(g.headComment, '');
      for (const [k, v] of g.head) lines.push(...`${k}: ${v}`.split('\n'));
      let refuse = false;
      let flow = false;
      if (c.kind === 'empty') lines.push(`mcpServers:${c.comment ? ` ${c.comment}` : ''}`);
      if (c.kind === 'flow') {
        lines.push(`mcpServers: ${c.items}`);
        flow = true;
      }
      if (c.kind === 'refuse') {
        lines.push(...c.text.split('\n'));
        refuse = true;
      }
      if (c.kind === 'block') {
        lines.push('mcpServers:');
        its.forEach((it, i) => {
          const gap = c.gaps[i];
          if (gap) lines.push(`${c.indent}${gap}`);
          lines.push(...it);
        });
      }
      for (const [k, v] of g.tail) lines.push(...`${k}:${v.startsWith('\n') ? '' : ' '}${v}`.split('\n'));
      return { lines, eol: g.eol, finalNewline: g.finalNewline, refuse, flow, value: g.value };
    });
  });

export function printYaml(c: YamlCase): string {
  const text = c.lines.join(c.eol);
  return c.finalNewline && text !== '' ? text + c.eol : text;
}
