/**
 * `oneclaw use-key [--vault-id <uuid>]` (the key on standard input only: process arguments are
 * public) and `oneclaw request-access [--name <n>] [--email <approver>]`: the CLI twins of the
 * editor's "Use an Existing Agent Key…" and "Request Access for This Workspace…", on the same core
 * (src/credentials/existingKey.ts, selfEnrolment.ts).
 */
import * as os from 'node:os';
import { ENV } from '../credentials/environment';
import { Enrolment } from '../credentials/enrolment';
import { checkExistingKey } from '../credentials/existingKey';
import { requestWorkspaceAccess } from '../credentials/selfEnrolment';
import { defaultAgentName } from '../credentials/workspaceAccess';
import { single, UsageError, type ParsedArgs } from './args';
import { loadConfig } from './config';
import { cliClient, layoutOf, ownerId, revocations, type CliIo } from './context';

export async function useKeyCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const config = await loadConfig(args, layoutOf(io));
  const agentKey = (await io.readStdin()).trim();
  if (agentKey === '') throw new UsageError('use-key reads the agent key (ocv_…) from standard input: pipe it in');
  if (io.env[ENV.agentKey]) io.out.note(`warn: ${ENV.agentKey} is set in this environment and takes precedence over the stored key.`);
  const client = cliClient(config, io, 30_000);
  const agent = await checkExistingKey(client, revocations(io), { agentKey, vaultId: single(args, 'vault-id') });
  await new Enrolment({ layout: layoutOf(io), client, instanceId: await ownerId(config, io), logger: io.out.logger }).adopt(agent);
  io.out.print(`stored: agent ${agent.agentId ?? '(id not reported)'} for vault ${agent.vaultId} in ${layoutOf(io).agentFile}.`);
  io.out.note('Run `oneclaw register` to register MCP clients with it.');
  return 0;
}

export async function requestAccessCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const config = await loadConfig(args, layoutOf(io));
  const name = single(args, 'name') ?? (config.agentName || defaultAgentName(io.env, os.hostname()));
  const requested = await requestWorkspaceAccess(cliClient(config, io, 30_000), { name, email: single(args, 'email'), description: 'Requested from a workspace with the oneclaw CLI' });
  if (requested.message) io.out.note(`1Claw: ${requested.message}`);
  if (requested.approvalUrl) io.out.print(`approval link: ${requested.approvalUrl}`);
  for (const step of requested.nextSteps) io.out.print(`- ${step.replace('run "1Claw: Use an Existing Agent Key…"', 'run "1Claw: Use an Existing Agent Key…" in the editor, or `oneclaw use-key`,')}`);
  return 0;
}
