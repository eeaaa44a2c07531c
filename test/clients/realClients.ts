/**
 * The real AI-client CLIs the matrix runs (installed by test/support/setup-clients.sh and
 * setup-claude.sh into the tools cache): where each binary is, how to run it in a throwaway home,
 * and how to read its answer. A client whose binary is missing yields NOT RUN cells, never passes.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const toolsDir = process.env.ONECLAW_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'oneclaw-realhost');

/** `id → binary` or `id → NOT RUN reason`, from the install stage's list (or the cache's usual places). */
export function clientBinaries(): Map<string, { binary?: string; notRun?: string }> {
  const out = new Map<string, { binary?: string; notRun?: string }>();
  const list = process.env.ONECLAW_CLIENT_BINS;
  if (list && existsSync(list)) {
    for (const line of readFileSync(list, 'utf8').split('\n')) {
      const [id, second, reason] = line.split('\t');
      if (!id || !second) continue;
      out.set(id, second === 'NOT RUN' ? { notRun: reason ?? 'not installed' } : { binary: second });
    }
  }
  const defaults: Record<string, string> = {
    codex: 'codex/node_modules/.bin/codex',
    gemini: 'gemini/node_modules/.bin/gemini',
    copilot: 'copilot/node_modules/.bin/copilot',
    opencode: 'opencode/node_modules/.bin/opencode',
    qwen: 'qwen/node_modules/.bin/qwen',
    continue: 'continue/node_modules/.bin/cn',
    kilo: 'kilo/node_modules/.bin/kilo',
  };
  for (const [id, rel] of Object.entries(defaults)) {
    if (out.has(id)) continue;
    const binary = path.join(toolsDir, 'ai-clients', rel);
    out.set(id, existsSync(binary) ? { binary } : { notRun: `not installed (run bash test/support/setup-clients.sh ${id})` });
  }
  const claude = process.env.ONECLAW_CLAUDE_BIN ?? path.join(toolsDir, 'claude-code', 'node_modules', '@anthropic-ai', 'claude-code-linux-x64', 'claude');
  out.set('claude-code', existsSync(claude) ? { binary: claude } : { notRun: 'not installed (run bash test/support/setup-claude.sh)' });
  return out;
}

/** The environment a client runs with: everything under `home`, Node on PATH, no colours. */
export function clientEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: home,
    TMPDIR: path.join(home, 'tmp'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    TERM: 'dumb',
    NO_COLOR: '1',
    CI: '1',
    ...extra,
  };
}

/** Run a client, bounded in time; the whole process group is killed by its id on timeout. */
export function runClient(binary: string, args: string[], home: string, env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(binary, args, { cwd: home, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const append = (chunk: Buffer) => {
      if (output.length < 200_000) output += chunk.toString('utf8');
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const timer = setTimeout(() => {
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      output += `\n[timed out after ${timeoutMs} ms]`;
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${output}\n${err.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      // Anything it left running in its group goes too.
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // nothing left
        }
      }
      resolve({ code, output: output.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '') });
    });
  });
}

/** How the matrix talks to one real client. */
export interface ClientDriver {
  id: string;
  /** Extra environment (Codex: CODEX_HOME stays default). */
  env?: Record<string, string>;
  /** The list/get command that shows our entry, and whether its output does. */
  readBack?: { args: string[]; shows(output: string, url: string): boolean; absent(output: string): boolean };
  /** The command that connects to the server, and whether its output says it connected. */
  connect?: { args: string[]; connected(output: string): boolean };
  /** Why a cell cannot be filled for this client. */
  readBackNa?: string;
  connectNa?: string;
}

const line = (output: string, name: string) => output.split('\n').find((l) => new RegExp(`(^|\\s)${name}[:\\s]`).test(l)) ?? '';

export const DRIVERS: ClientDriver[] = [
  {
    id: 'claude-code',
    readBack: { args: ['mcp', 'get', '1claw'], shows: (o, url) => o.includes(`URL: ${url}`) && /Scope: User config/.test(o), absent: (o) => /No MCP server named "1claw"/.test(o) },
    connect: { args: ['mcp', 'list'], connected: (o) => /1claw: .* - ✔ Connected/.test(o) },
  },
  {
    id: 'codex',
    readBack: { args: ['mcp', 'get', '1claw', '--json'], shows: (o, url) => o.includes(`"url": "${url}"`), absent: (o) => !o.includes('"url"') },
    connectNa: 'n/a (Codex connects to MCP servers only inside a model session; `codex mcp list/get` read the config without connecting)',
  },
  {
    id: 'gemini',
    readBack: { args: ['mcp', 'list'], shows: (o, url) => line(o, '1claw').includes(url), absent: (o) => !line(o, '1claw') },
    connect: { args: ['mcp', 'list'], connected: (o) => /1claw: .* - Connected/.test(o) },
  },
  {
    id: 'copilot',
    readBack: { args: ['mcp', 'get', '1claw'], shows: (o, url) => o.includes(`URL: ${url}`), absent: (o) => !o.includes('URL:') },
    connectNa: 'n/a (Copilot CLI connects only in a session, which needs a GitHub login; `copilot mcp list/get` do not connect)',
  },
  {
    id: 'opencode',
    readBack: { args: ['mcp', 'list'], shows: (o) => /1claw/.test(o), absent: (o) => !/\b1claw\b/.test(o) },
    connect: { args: ['mcp', 'list'], connected: (o) => /✓ 1claw\s+connected/.test(o) },
  },
  {
    id: 'qwen',
    readBack: { args: ['mcp', 'list'], shows: (o, url) => line(o, '1claw').includes(url), absent: (o) => !line(o, '1claw') },
    connect: { args: ['mcp', 'list'], connected: (o) => /1claw: .* - Connected/.test(o) },
  },
  {
    id: 'continue',
    readBackNa: 'n/a (`cn` has no MCP list/get command; `/mcp` exists only inside its TUI)',
    connectNa: 'n/a (`cn` connects to MCP servers only in a session, which needs a model)',
  },
  {
    id: 'kilo',
    readBack: { args: ['mcp', 'list'], shows: (o) => /1claw/.test(o), absent: (o) => !/\b1claw\b/.test(o) },
    connect: { args: ['mcp', 'list'], connected: (o) => /✓ 1claw\s+connected/.test(o) },
  },
];

/** Editors: nothing to install from the npm registry here. */
export const EDITOR_NA = 'n/a (an editor: no CLI on the npm registry; its entry is checked by client-entries.test.ts with an MCP SDK client)';
