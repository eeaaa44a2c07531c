/**
 * The last stage of `npm test`: the run left nothing in /tmp or ~/.npm (everything it writes
 * belongs in the repository — TMPDIR is test-results/tmp — or in the tools cache).
 *
 * Telling the run's files from everybody else's on a shared machine:
 * - `owner` mode (root runs, CI): test/run-all.sh re-executes itself under a private group id
 *   chosen for this run, so every file any process of the run creates carries that group. A
 *   leftover is an entry under a root with that group, changed after the run started. Other runs,
 *   other engineers' tools and the outer `npm test` itself carry other groups: never blamed.
 * - `names` mode (a user who cannot take a private group): an entry that is new since the run
 *   started and is named like something this project's tests create (NAME_PATTERNS) at the top of
 *   /tmp, or any file changed under ~/.npm outside its _logs folder (the outer npm logs there).
 *
 *   node out/test/support/leftovers.js check <snapshot> [--gid N]
 * <snapshot>: the names in /tmp when the run started, one a line (`ls -A /tmp`); its modification
 * time is the run's start. Exits 1 and lists what was left.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Top-level /tmp names this project's tests and tools create when something ignores TMPDIR. */
export const NAME_PATTERNS: readonly RegExp[] = [/^oneclaw/i, /^1claw/i, /\.tfrc$/, /^terraform/i, /^playwright/i, /^vscode-/, /^code-server/, /^\.org\.chromium\./, /^node-compile-cache$/, /^mocha/];

export interface Roots {
  tmp: string;
  npm: string;
}

export const defaultRoots = (): Roots => ({ tmp: '/tmp', npm: path.join(os.homedir(), '.npm') });

const MAX_ENTRIES = 500_000;

/** Entries (not below a reported directory) for which `left(stat)` holds; unreadable folders are skipped. */
function walk(root: string, left: (full: string, stat: fs.Stats) => boolean): string[] {
  const found: string[] = [];
  const pending = [root];
  let seen = 0;
  while (pending.length > 0 && seen < MAX_ENTRIES) {
    const dir = pending.pop()!;
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      seen += 1;
      const full = path.join(dir, name);
      let stat: fs.Stats;
      try {
        stat = fs.lstatSync(full);
      } catch {
        continue; // gone meanwhile
      }
      if (left(full, stat)) found.push(stat.isDirectory() ? `${full}/` : full);
      else if (stat.isDirectory()) pending.push(full);
    }
  }
  return found.sort();
}

/** Owner mode: everything under the roots that carries the run's group and changed after it started. */
export function leftByGroup(roots: Roots, gid: number, sinceMs: number): string[] {
  const ours = (_: string, stat: fs.Stats) => stat.gid === gid && stat.ctimeMs >= sinceMs;
  return [...walk(roots.tmp, ours), ...walk(roots.npm, ours)];
}

/** Names mode: new project-named entries at the top of tmp, and files changed under ~/.npm outside _logs. */
export function leftByName(roots: Roots, before: ReadonlySet<string>, sinceMs: number): string[] {
  let names: string[] = [];
  try {
    names = fs.readdirSync(roots.tmp);
  } catch {
    // no tmp root: nothing left there
  }
  const inTmp = names.filter((name) => !before.has(name) && NAME_PATTERNS.some((pattern) => pattern.test(name))).map((name) => path.join(roots.tmp, name));
  const logs = path.join(roots.npm, '_logs');
  const inNpm = walk(roots.npm, (full, stat) => !stat.isDirectory() && stat.ctimeMs >= sinceMs && !full.startsWith(`${logs}${path.sep}`));
  return [...inTmp.sort(), ...inNpm];
}

function main(argv: string[]): number {
  const [command, file, flag, value] = argv;
  const roots = defaultRoots();
  if (command !== 'check' || file === undefined || (flag !== undefined && (flag !== '--gid' || !/^\d+$/.test(value ?? '')))) {
    console.error('usage: leftovers.js check <snapshot of /tmp> [--gid <run group id>]');
    return 2;
  }
  const since = fs.statSync(file).mtimeMs - 1000;
  const left = flag === '--gid' ? leftByGroup(roots, Number(value), since) : leftByName(roots, new Set(fs.readFileSync(file, 'utf8').split('\n')), since);
  const how = flag === '--gid' ? `owned by this run's group ${value}` : 'named like this project\'s files (no private group: not root)';
  if (left.length === 0) {
    console.log(`nothing left in ${roots.tmp} or ${roots.npm} (${how})`);
    return 0;
  }
  console.log(`${left.length} entries left outside the repository and the tools cache (${how}):`);
  for (const entry of left.slice(0, 50)) console.log(`  ${entry}`);
  if (left.length > 50) console.log(`  … and ${left.length - 50} more`);
  return 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
