/**
 * `oneclaw`: the command-line entry to the extension's own core, for the Coder module's start
 * script, for the Claude Code headers helper, and for people in a terminal. One esbuild bundle
 * (dist/oneclaw.js, and the same bytes as terraform/scripts/oneclaw.cjs), Node >= 18, no
 * dependencies at run time. Exit codes: 0 ok, 1 failure, 2 usage. A key is never accepted as an
 * argument (process arguments are public): human keys come on standard input only.
 */
import { setListenerErrorSink } from '../util/events';
import { describeError } from '../util/log';
import { parseArgs, UsageError } from './args';
import { requestAccessCommand, useKeyCommand } from './agentKey';
import { bootstrapCommand } from './bootstrap';
import { CONFIG_FLAGS } from './config';
import type { CliIo } from './context';
import { headersCommand } from './headers';
import { resolveCliHome, takeHomeOption } from './home';
import { readProcessStdin } from './humanCredential';
import { consoleStreams, createOutput, type OutputStreams } from './output';
import { registerCommand, unregisterCommand } from './register';
import { revokeCommand } from './revoke';
import { statusCommand } from './status';
import { workspaceStartCommand } from './workspaceStart';

const USAGE = `Usage: oneclaw <command> [options]

  workspace-start --config <file>     enrol if needed, register MCP clients (the Coder module runs this)
  bootstrap --human-key-stdin|--device [--email <approver>]
                                      enrol a new agent for this workspace (replaces ours); --device:
                                      approve a code in a browser, no key typed
  use-key [--vault-id <uuid>]         store an agent key you already have (ocv_…, piped in), checked first
  request-access [--name n] [--email e]  ask a 1Claw human to approve an agent for this workspace
  register [--client <id>]...         register MCP clients (present ones; --client forces one:
                                      claude-code codex gemini copilot opencode qwen continue kilo
                                      cursor windsurf kiro zed antigravity)
  unregister                          remove 1Claw's MCP entries from every known client
  revoke [--human-key-stdin]          revoke this workspace's access (deletes the agent with a human key)
  status [--json]                     where credentials come from and what is registered
  headers --registration <file>       Claude Code's headers helper (run by the wrapper it registers)

Common options: --config <file>, --api-base-url <url>, --mcp-url <url>, --server-name <name>,
--style fresh|static, --home <dir> (default: your home in the user database, not $HOME),
--verbose. A key is never an argument: pipe a human key with --human-key-stdin.`;

type Command = (args: ReturnType<typeof parseArgs>, io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { run: Command; values: readonly string[]; switches: readonly string[] }> = {
  'workspace-start': { run: workspaceStartCommand, values: CONFIG_FLAGS, switches: ['verbose'] },
  bootstrap: { run: bootstrapCommand, values: [...CONFIG_FLAGS, 'email'], switches: ['human-key-stdin', 'device', 'verbose'] },
  'use-key': { run: useKeyCommand, values: [...CONFIG_FLAGS, 'vault-id'], switches: ['verbose'] },
  'request-access': { run: requestAccessCommand, values: [...CONFIG_FLAGS, 'name', 'email'], switches: ['verbose'] },
  register: { run: registerCommand, values: [...CONFIG_FLAGS, 'client'], switches: ['verbose'] },
  unregister: { run: unregisterCommand, values: CONFIG_FLAGS, switches: ['verbose'] },
  revoke: { run: revokeCommand, values: CONFIG_FLAGS, switches: ['human-key-stdin', 'verbose'] },
  status: { run: statusCommand, values: CONFIG_FLAGS, switches: ['json', 'verbose'] },
  headers: { run: headersCommand, values: ['registration', 'after-refusal'], switches: [] },
};

export interface CliRun {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  streams: OutputStreams;
  cliSource: string;
  home?: string;
  readStdin?: () => Promise<string>;
  claudeBinary?: string | null;
  node?: CliIo['node'];
}

async function runCli(run: CliRun): Promise<number> {
  const name = run.argv[0];
  const command = name ? COMMANDS[name] : undefined;
  const out = createOutput(run.streams, { prefix: name === 'headers' ? undefined : '[1claw]', verbose: run.argv.includes('--verbose') });
  setListenerErrorSink(out.logger);
  if (!command) {
    out.note(name && name !== 'help' && name !== '--help' ? `unknown command "${name.slice(0, 24)}"\n${USAGE}` : USAGE);
    return name === 'help' || name === '--help' ? 0 : 2;
  }
  try {
    const { argv, home: explicitHome } = takeHomeOption(run.argv);
    // Never the HOME a repository may have set (src/cli/home.ts); the headers helper's paths are baked.
    const home = run.home ? { home: run.home } : resolveCliHome(explicitHome, run.env);
    if (home.note && name !== 'headers') out.note(home.note);
    const io: CliIo = { out, env: run.env, home: home.home, cliSource: run.cliSource, readStdin: run.readStdin ?? (() => readProcessStdin()), claudeBinary: run.claudeBinary, node: run.node };
    return await command.run(parseArgs(argv, command), io);
  } catch (err) {
    if (err instanceof UsageError) {
      out.note(`${err.message}\n${USAGE}`);
      return 2;
    }
    out.note(`error: ${describeError(err)}`);
    return 1;
  }
}

if (require.main === module) {
  runCli({ argv: process.argv.slice(2), env: process.env, streams: consoleStreams, cliSource: __filename }).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = 1;
    },
  );
}
