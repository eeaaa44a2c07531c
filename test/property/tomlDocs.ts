/**
 * Generated Codex-style TOML configs, valid by construction: top-level keys (bare, quoted,
 * dotted), tables, arrays of tables, other MCP servers with sub-tables, maybe an entry of ours
 * (header spelled in several ways, with sub-tables elsewhere), every kind of value (multi-line
 * strings, dates, inline tables, multi-line arrays with comments), comments, blank lines, CRLF and
 * a missing final newline; rarely a form the editor must refuse (an inline `mcp_servers` table,
 * dotted keys defining our entry).
 */
import * as fc from 'fast-check';

export interface TomlCase {
  blocks: Array<{ lines: string[]; ours: boolean }>;
  eol: string;
  finalNewline: boolean;
  refuse: boolean;
  value: Record<string, unknown>;
}

const str = fc.string({ unit: 'grapheme', maxLength: 10 }).map(basic);
const VALUES = [
  '"basic \\" quote \\\\ \\u00e9 \\n"', "'literal \\ no escape'", '"""\nmulti\n  line "quoted"\n"""', "'''\nraw # not a comment\n'''", '42', '-17', '0x1F', '1_000',
  '3.14', '-0.5e-3', 'inf', 'nan', 'true', 'false', '1979-05-27T07:32:00Z', '1979-05-27 07:32:00-08:00', '1979-05-27', '07:32:00', '[1, 2, 3]', '["a", "b", ]',
  '[\n  1, # one\n  2,\n]', '{ x = 1, y = "z" }', '{}', '"🔑 ключ"', '"[mcp_servers.1claw] inside a string"',
];
const value = fc.oneof(fc.constantFrom(...VALUES), str);
const comment = fc.constantFrom('# a comment', '# [mcp_servers.1claw] in a comment', '#', '# ключ 🔑');

export function basic(s: string): string {
  return JSON.stringify(s).replace(/\u007f/g, '\\u007f');
}

const keyvals = (keys: readonly string[]) =>
  fc.uniqueArray(fc.tuple(fc.constantFrom(...keys), value, fc.option(comment, { freq: 4 })), { selector: ([k]) => k, maxLength: 4 }).map((kvs) => kvs.map(([k, v, c]) => `${k} = ${v}${c ? ` ${c}` : ''}`));

const ROOT_KEYS = ['model', 'approval_policy', 'a', '"quoted key"', "'lit'", 'x.y', '"é"'];
const TABLES = ['[profiles.dev]', '[z]', '[tools]', '["weird.name"]', '[ spaced . table ]', '[mcp_servers.other]', '[mcp_servers."é"]', '[mcp_servers.other.env]'];
const OURS = ['[mcp_servers.1claw]', '[mcp_servers."1claw"]', "[ mcp_servers . '1claw' ]"];

const table = (headers: readonly string[]) => fc.constantFrom(...headers).chain((h) => keyvals(['command', 'args', 'url', 'enabled', '"X-Key"', 'n']).map((kvs) => [h, ...kvs]));

export const entryValue: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    url: fc.oneof(fc.constant('https://mcp.1claw.xyz/mcp'), fc.string({ unit: 'grapheme', maxLength: 8 }).map((s) => `https://mcp.1claw.xyz/mcp?${s}`)),
    bearer_token_env_var: fc.constant('ONECLAW_AGENT_API_KEY'),
    http_headers: fc.dictionary(fc.constantFrom('X-Vault-ID', 'X Odd "Key"'), fc.string({ unit: 'grapheme', maxLength: 6 }), { maxKeys: 2 }),
    env_http_headers: fc.constant({ 'X-Token': 'ONECLAW_TOKEN' }),
    enabled: fc.boolean(),
    startup_timeout_sec: fc.integer({ min: 1, max: 600 }),
  },
  { requiredKeys: ['url'] },
);

export const tomlCase: fc.Arbitrary<TomlCase> = fc
  .record({
    root: keyvals(ROOT_KEYS),
    tables: fc.uniqueArray(table(TABLES), { selector: (t) => t[0], maxLength: 4 }),
    products: fc.array(keyvals(['name', 'sku']).map((kvs) => ['[[products]]', ...kvs]), { maxLength: 2 }),
    ours: fc.option(fc.tuple(fc.constantFrom(...OURS), keyvals(['url', 'bearer_token_env_var', 'enabled', 'http_headers']), fc.boolean()), { freq: 2 }),
    form: fc.oneof({ weight: 30, arbitrary: fc.constant('tables' as const) }, { weight: 1, arbitrary: fc.constantFrom('inline' as const, 'dotted' as const) }),
    gaps: fc.array(fc.oneof(fc.constant(''), comment), { minLength: 12, maxLength: 12 }),
    eol: fc.constantFrom('\n', '\n', '\r\n'),
    finalNewline: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    value: entryValue,
  })
  .map((g) => {
    const blocks: TomlCase['blocks'] = [];
    const gap = (i: number) => (g.gaps[i] ? [{ lines: [g.gaps[i]!], ours: false }] : []);
    let refuse = false;
    const root = [...g.root];
    let tables = g.tables;
    if (g.form === 'inline') {
      root.push('mcp_servers = { other = { command = "x" } }');
      tables = tables.filter((t) => !t[0]!.includes('mcp_servers'));
      refuse = true;
    }
    if (g.form === 'dotted' && !g.ours) {
      root.push('mcp_servers.1claw.url = "https://old"');
      refuse = true;
    }
    blocks.push(...gap(0), { lines: root, ours: false }, ...gap(1));
    tables.forEach((t, i) => blocks.push({ lines: t, ours: false }, ...gap(2 + i)));
    if (g.ours && g.form !== 'inline') {
      const [header, kvs, withSub] = g.ours;
      blocks.push({ lines: [header, ...kvs], ours: true }, ...gap(7));
      if (withSub && !kvs.some((l) => l.startsWith('env'))) blocks.push({ lines: ['[mcp_servers.1claw.env]', 'A = "1"'], ours: true }, ...gap(8));
    }
    g.products.forEach((p, i) => blocks.push({ lines: p, ours: false }, ...gap(9 + i)));
    return { blocks, eol: g.eol, finalNewline: g.finalNewline, refuse, value: g.value };
  });

export function printToml(c: TomlCase): string {
  const lines = c.blocks.flatMap((b) => b.lines.flatMap((l) => l.split('\n')));
  const text = lines.join(c.eol);
  return c.finalNewline && text !== '' ? text + c.eol : text;
}
