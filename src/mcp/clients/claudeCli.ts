/**
 * The real `claude` CLI, used to add and remove our user-scope entry when it is installed:
 * Claude Code rewrites its own ~/.claude.json and can revert outside edits, so its own command is
 * the safest writer. Only entries that hold no credential go through it (arguments are public).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import * as path from 'node:path';

export interface ClaudeCli {
  binary: string;
  /** The environment it runs with (HOME, CLAUDE_CONFIG_DIR decide which file it edits). */
  env: Record<string, string | undefined>;
}

/** `claude` on the PATH of the registering process, or undefined. */
export function findClaude(env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, 'claude');
    try {
      accessSync(candidate, fsConstants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

export interface CliResult {
  ok: boolean;
  output: string;
}

function run(cli: ClaudeCli, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(cli.binary, args, { env: cli.env as NodeJS.ProcessEnv, timeout: 30_000, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ ok: !err, output: `${stdout}${stderr}`.trim().slice(0, 500) });
    });
  });
}

/** `claude mcp add-json --scope user <name> <json>`; `entry` must hold no credential. */
export function claudeAddJson(cli: ClaudeCli, name: string, entry: Record<string, unknown>): Promise<CliResult> {
  return run(cli, ['mcp', 'add-json', '--scope', 'user', name, JSON.stringify(entry)]);
}

/** `claude mcp remove --scope user <name>`. */
export function claudeRemove(cli: ClaudeCli, name: string): Promise<CliResult> {
  return run(cli, ['mcp', 'remove', '--scope', 'user', name]);
}
