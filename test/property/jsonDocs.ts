/**
 * Generated JSON and JSONC documents shaped like MCP client configs, with everything a real file
 * may hold: comments, trailing commas, a BOM, CRLF/CR line ends, tabs, minified or oddly spaced
 * text, duplicate keys (the container's and ours), keys spelled with escapes, `__proto__`, deep
 * nesting and non-ASCII text. The model keeps duplicates in order, so the test knows what a parser
 * reads (the last occurrence) independently of the editor.
 */
import * as fc from 'fast-check';

export type Model = null | boolean | number | string | Model[] | { entries: Array<[string, Model]> } | { deep: number };

export interface JsonStyle {
  layout: 'pretty' | 'minified' | 'loose';
  unit: string;
  eol: string;
  comments: boolean;
  trailingCommas: boolean;
  bom: boolean;
  escapeKeys: boolean;
}

export interface JsonCase {
  root: { entries: Array<[string, Model]> };
  style: JsonStyle;
  seed: number;
  value: Record<string, unknown>;
}

export const CONTAINER = 'mcpServers';
export const NAME = '1claw';

const text = fc.oneof(
  fc.constantFrom('', 'x', 'https://mcp.example.test/mcp', 'Bearer ${env:TOKEN}', 'ключ', '🔑 key', 'quote " back \\ slash', 'tab\tnew\nline', '// not a comment', '/* nor this */', '{"mcpServers": {}}', '\u2028\u2029', 'é'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const key = fc.oneof(fc.constantFrom('a', 'b', 'command', 'args', 'url', 'headers', 'env', 'other', 'x y', 'é', '🔑', '', 'constructor', 'toString', CONTAINER, NAME), fc.string({ maxLength: 6 }));
const scalar: fc.Arbitrary<Model> = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d)), text);

const { value: model } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }) as fc.Arbitrary<Model>,
  object: fc.array(fc.tuple(key, tie('value')), { maxLength: 5 }).map((entries) => ({ entries }) as Model),
})) as { value: fc.Arbitrary<Model> };

const objectModel = (extra: fc.Arbitrary<Array<[string, Model]>>) => extra.map((entries) => ({ entries }));

/** An entry value of ours (what the extension writes), with odd strings. */
export const entryValue: fc.Arbitrary<Record<string, unknown>> = fc.record({
  type: fc.constantFrom('http', 'streamable-http'),
  url: fc.oneof(fc.constant('https://mcp.1claw.xyz/mcp'), text.map((t) => `https://mcp.1claw.xyz/mcp?${t}`)),
  headers: fc.dictionary(fc.constantFrom('X-Vault-ID', 'Authorization', 'X-Ünïcode'), text, { maxKeys: 2 }),
}, { requiredKeys: ['url'] });

const ours: fc.Arbitrary<Model> = fc.oneof(model, entryValue.map(toModel));

/** The container: absent, an object with other servers and maybe ours (duplicated), or a non-object. */
const containerEntries: fc.Arbitrary<Array<[string, Model]>> = fc.tuple(
  fc.array(fc.tuple(fc.constantFrom('other', 'github', 'postgres', 'é-server'), model), { maxLength: 3 }),
  fc.array(ours, { maxLength: 2 }),
  fc.array(fc.tuple(fc.constantFrom('zed', 'later'), model), { maxLength: 2 }),
).map(([before, mine, after]) => [...before, ...mine.map((m): [string, Model] => [NAME, m]), ...after]);

const container: fc.Arbitrary<Model> = fc.oneof({ weight: 8, arbitrary: objectModel(containerEntries) }, { weight: 1, arbitrary: fc.constantFrom<Model>(null, [], 'x', { entries: [] }) });

const deep: fc.Arbitrary<Model> = fc.integer({ min: 500, max: 7_000 }).map((n) => ({ deep: n }));

export const jsonCase: fc.Arbitrary<JsonCase> = fc.record({
  root: fc
    .tuple(
      fc.array(fc.tuple(key, model), { maxLength: 5 }),
      fc.array(container, { maxLength: 2 }),
      fc.array(fc.tuple(key, model), { maxLength: 3 }),
      fc.oneof({ weight: 60, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: deep }),
    )
    .map(([head, containers, tail, nested]) => ({
      entries: [...head, ...containers.map((c): [string, Model] => [CONTAINER, c]), ...tail, ...(nested ? ([['deep', nested]] as Array<[string, Model]>) : [])],
    })),
  style: fc.record({
    layout: fc.constantFrom('pretty', 'pretty', 'minified', 'loose'),
    unit: fc.constantFrom('  ', '    ', '\t'),
    eol: fc.constantFrom('\n', '\n', '\r\n', '\r'),
    comments: fc.boolean(),
    trailingCommas: fc.boolean(),
    bom: fc.boolean(),
    escapeKeys: fc.boolean(),
  }),
  seed: fc.nat(),
  value: entryValue,
});

export function toModel(value: unknown): Model {
  if (Array.isArray(value)) return value.map(toModel);
  if (value !== null && typeof value === 'object') return { entries: Object.entries(value).map(([k, v]) => [k, toModel(v)]) };
  return value as Model;
}

/** What a parser reads from the model: the last duplicate wins, `__proto__` is an own key. */
export function semantics(m: Model): unknown {
  if (m === null || typeof m !== 'object') return m;
  if (Array.isArray(m)) return m.map(semantics);
  if ('deep' in m) {
    let v: unknown[] = [];
    for (let i = 1; i < m.deep; i++) v = [v];
    return v;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of m.entries) Object.defineProperty(out, k, { value: semantics(v), enumerable: true, writable: true, configurable: true });
  return out;
}

/** Print the model in the case's style. Strict JSON unless comments or trailing commas are on. */
export function print(c: JsonCase): string {
  const s = c.style;
  let rng = c.seed || 1;
  const random = () => {
    rng = (rng * 1103515245 + 12345) % 2147483648;
    return rng / 2147483648;
  };
  const gap = (): string => {
    if (s.layout === 'minified') return '';
    let out = '';
    if (s.layout === 'loose' && random() < 0.3) out += [' ', '\t', s.eol, '  '][Math.floor(random() * 4)];
    if (s.comments && random() < 0.15) out += random() < 0.5 ? `/* c${Math.floor(random() * 9)} */` : `// c${Math.floor(random() * 9)}${s.eol}`;
    return out;
  };
  const keyText = (k: string) => {
    const quoted = JSON.stringify(k);
    if (!s.escapeKeys || k.length === 0) return quoted;
    return `"${[...k].map((ch) => (random() < 0.4 && ch.length === 1 ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : JSON.stringify(ch).slice(1, -1))).join('')}"`;
  };
  const pretty = s.layout === 'pretty';
  const value = (m: Model, indent: string): string => {
    if (m === null || typeof m !== 'object') return JSON.stringify(m);
    if ('deep' in m) return `${'['.repeat(m.deep)}${']'.repeat(m.deep)}`;
    const items: string[] = Array.isArray(m) ? m.map((v) => value(v, indent + s.unit)) : m.entries.map(([k, v]) => `${keyText(k)}${gap()}:${pretty ? ' ' : gap()}${value(v, indent + s.unit)}`);
    const [open, close] = Array.isArray(m) ? ['[', ']'] : ['{', '}'];
    if (items.length === 0) return `${open}${gap()}${close}`;
    const trailing = s.trailingCommas && random() < 0.5 ? ',' : '';
    if (pretty) {
      const inner = indent + s.unit;
      return `${open}${s.eol}${items.map((i) => `${inner}${gap()}${i}`).join(`,${s.eol}`)}${trailing}${gap()}${s.eol}${indent}${close}`;
    }
    return `${open}${gap()}${items.join(`,${gap()}`)}${trailing}${gap()}${close}`;
  };
  return `${s.bom ? '\uFEFF' : ''}${gap()}${value(c.root, '')}${s.layout === 'minified' ? '' : s.eol}`;
}
