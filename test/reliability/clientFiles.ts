/**
 * Hostile input for every client's own file, through that client's registrar (what the editor and
 * `oneclaw` run): missing, empty, malformed, commented (JSONC / TOML / YAML comments), a symlink,
 * read-only, huge. Each case keeps the user's content, says clearly what happened, and never
 * truncates. Rows for hostile.test.ts's table.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FILE_CLIENTS } from '../../src/mcp/clients/registry';
import { readEntry } from '../../src/mcp/edit';
import type { McpConnection } from '../../src/mcp/registrar';
import { testClientContext } from '../support/fakeContext';

export interface ClientFileCase {
  group: string;
  input: string;
  run: () => Promise<string>;
}

const MALFORMED = { json: '{"mcpServers": {"a": ', toml: 'a = \n[b\n', yaml: 'mcpServers: [\n  - {name: a\n' };
const COMMENTED = { json: '// mine\n{\n  /* a block */ "a": 1, // trailing\n}\n', toml: '# mine\na = 1 # trailing\n', yaml: '# mine\nname: Local # trailing\nversion: 1.0.0\n' };
const PAD = 'p'.repeat(8 * 1024 * 1024);
const HUGE = { json: `{"pad": "${PAD}"}\n`, toml: `pad = "${PAD}"\n`, yaml: `pad: "${PAD}"\n` };

export function clientFileCases(dir: () => string, connection: () => McpConnection): ClientFileCase[] {
  const cases: ClientFileCase[] = [];
  for (const client of FILE_CLIENTS) {
    const add = (input: string, run: (home: string, file: string) => Promise<string>) =>
      cases.push({
        group: 'client file',
        input: `${client.label}: ${input}`,
        run: async () => {
          const home = path.join(dir(), `client-${client.id}-${cases.length}-${input.replace(/\W+/g, '-')}`);
          await fs.mkdir(home, { recursive: true, mode: 0o700 });
          return run(home, client.configPath({ env: {}, home }));
        },
      });
    const register = (home: string) =>
      client.registrar(testClientContext(home, { env: { XDG_RUNTIME_DIR: '' }, renewsTokens: true })).register(connection());
    const ours = async (file: string) => readEntry(client.format, await fs.readFile(file, 'utf8'), { container: client.container, listKey: client.listKey, name: '1claw' });
    const creates = (client.id as string) !== 'continue';

    add('missing', async (home, file) => {
      const result = await register(home);
      if (!creates) {
        assert.equal(result.skipped, true, result.detail);
        assert.equal(await exists(file), false, 'created a file the client would treat differently');
        assert.equal(await exists(path.dirname(file)), false, 'created the config directory');
        return `skipped: ${short(result.detail, home)}`;
      }
      assert.equal(result.ok, true, result.detail);
      assert.notEqual(await ours(file), undefined);
      return 'handled: file created with our entry only';
    });
    add('empty', async (home, file) => {
      await write(file, '');
      return expectWritten(await register(home), await ours(file));
    });
    add('malformed', async (home, file) => {
      const text = MALFORMED[client.format];
      await write(file, text);
      const result = await register(home);
      assert.equal(result.ok, false, result.detail);
      assert.match(result.detail, new RegExp(`not valid ${client.format.toUpperCase()}`));
      assert.equal(await fs.readFile(file, 'utf8'), text, 'a refused file was changed');
      return `skipped: ${short(result.detail, home)}`;
    });
    add(client.format === 'json' ? 'JSONC (comments, trailing comma)' : `${client.format.toUpperCase()} with comments`, async (home, file) => {
      const text = COMMENTED[client.format];
      await write(file, text);
      const result = await register(home);
      expectWritten(result, await ours(file));
      const after = await fs.readFile(file, 'utf8');
      for (const comment of text.match(/(\/\/|#)[^\n]*|\/\*.*?\*\//g) ?? []) assert.ok(after.includes(comment), `lost the comment ${comment}`);
      return 'handled: entry written, comments kept';
    });
    add('a symlink to the real file', async (home, file) => {
      const real = path.join(home, 'dotfiles', path.basename(file));
      await write(real, COMMENTED[client.format]);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.symlink(real, file);
      const result = await register(home);
      expectWritten(result, await ours(file));
      assert.ok((await fs.lstat(file)).isSymbolicLink(), 'the link was replaced by a file');
      assert.ok((await fs.readFile(real, 'utf8')).includes('1claw'), 'the link target was not updated');
      return 'handled: written through the link, link kept';
    });
    add('read-only', async (home, file) => {
      await write(file, COMMENTED[client.format]);
      await fs.chmod(file, 0o444);
      const result = await register(home);
      assert.equal(result.ok, false, result.detail);
      assert.match(result.detail, /read-only/);
      assert.equal(await fs.readFile(file, 'utf8'), COMMENTED[client.format]);
      return `skipped: ${short(result.detail, home)}`;
    });
    add('huge (8 MB)', async (home, file) => {
      await write(file, HUGE[client.format]);
      const result = await register(home);
      expectWritten(result, await ours(file));
      const after = await fs.readFile(file, 'utf8');
      assert.ok(after.includes(`"${PAD}"`), 'the 8 MB value was truncated');
      return 'handled: entry written, 8 MB kept';
    });
  }
  return cases;
}

function expectWritten(result: { ok: boolean; detail: string }, entry: unknown): string {
  assert.equal(result.ok, true, result.detail);
  assert.notEqual(entry, undefined, 'no entry after a successful registration');
  return 'handled: entry written, everything else kept';
}

async function write(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
}

async function exists(file: string): Promise<boolean> {
  return fs.lstat(file).then(() => true, () => false);
}

function short(detail: string, home: string): string {
  return detail.split(home).join('~');
}
