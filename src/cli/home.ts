/**
 * Whose home the CLI works in. Not HOME: a repository can set a terminal's environment
 * (`terminal.integrated.env.*`, `.envrc`, a Claude Code project's `env`), and a home it chose would
 * choose the API a key is sent to (`~/.1claw/mcp-helper-*.json`) and the owner marker that decides
 * which agents are replaced (`~/.1claw/instance-id`). So: `--home` when a trusted caller passes it
 * (the module's start script passes the Coder agent's HOME), else the user database's entry, else
 * HOME where the user has no entry (a container's arbitrary uid).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from './args';

export interface CliHome {
  home: string;
  /** Said once on stderr when HOME names another directory, which is then not used. */
  note?: string;
}

/** Take `--home <dir>` (or `--home=<dir>`) out of argv: it applies to every command. */
export function takeHomeOption(argv: readonly string[]): { argv: string[]; home?: string } {
  const rest: string[] = [];
  let home: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg !== '--home' && !arg.startsWith('--home=')) {
      rest.push(arg);
      continue;
    }
    if (home !== undefined) throw new UsageError('--home given more than once');
    home = arg === '--home' ? argv[++i] : arg.slice('--home='.length);
    if (!home || !path.isAbsolute(home)) throw new UsageError('--home needs an absolute directory');
  }
  return { argv: rest, home };
}

export function resolveCliHome(explicit: string | undefined, env: Readonly<Record<string, string | undefined>>, userDatabaseHome: () => string | undefined = databaseHome): CliHome {
  if (explicit) return { home: path.resolve(explicit) };
  const fromDatabase = userDatabaseHome();
  const fromEnv = env.HOME && path.isAbsolute(env.HOME) ? path.resolve(env.HOME) : undefined;
  if (!fromDatabase) return { home: fromEnv ?? os.homedir() };
  const home = path.resolve(fromDatabase);
  return fromEnv && fromEnv !== home ? { home, note: `HOME is ${fromEnv}, not your home directory (${home}): using ${home}. Pass --home to choose another.` } : { home };
}

function databaseHome(): string | undefined {
  try {
    return os.userInfo().homedir || undefined;
  } catch {
    return undefined; // no entry for this uid
  }
}
