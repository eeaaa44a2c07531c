/**
 * `oneclaw bootstrap [--human-key-stdin | --device]`: an explicit enrolment. It replaces this
 * workspace's agent (only agents carrying this workspace's marker) and clears the revocation
 * memory. It does not register clients: `oneclaw register` (or the next workspace start) does.
 */
import { readAgentFile } from '../credentials/agentRecord';
import { UsageError, type ParsedArgs } from './args';
import { loadConfig } from './config';
import { layoutOf, type CliIo } from './context';
import { humanCredentialFrom } from './humanCredential';
import { enrolWorkspace, enrolledSummary } from './workspaceAgent';

export async function bootstrapCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const config = await loadConfig(args, layoutOf(io));
  const human = await humanCredentialFrom(args, io, config);
  if (!human) throw new UsageError('bootstrap needs --human-key-stdin (the key piped in) or --device');
  const stored = await readAgentFile(layoutOf(io).agentFile);
  const outcome = await enrolWorkspace(human, config, io, true, stored.kind === 'ok' ? stored.agent : undefined);
  if (outcome.kind !== 'enrolled') {
    io.out.note('The enrolment did not run: the human session was refused.');
    return 1;
  }
  io.out.print(enrolledSummary(outcome.result));
  io.out.note('Run `oneclaw register` to register MCP clients with the new agent.');
  return 0;
}
