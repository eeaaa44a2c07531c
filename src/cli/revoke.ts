/**
 * `oneclaw revoke [--human-key-stdin]`: the same revoke as the editor's command — tokens we
 * hold, the agent (with a human key), our entries in every known client, every stored copy of
 * the key — remembered, then checked; the output says what is true afterwards.
 */
import { describeRevoke, Enrolment } from '../credentials/enrolment';
import { KnownClientsCleanup } from '../mcp/clients/cleanup';
import type { ParsedArgs } from './args';
import { loadConfig } from './config';
import { clientContext, cliClient, layoutOf, ownerId, resolveForCli, type CliIo } from './context';
import { humanCredentialFrom } from './humanCredential';

export async function revokeCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const config = await loadConfig(args, layoutOf(io));
  const human = await humanCredentialFrom(args, io, config);
  const resolution = await resolveForCli(io);
  const current = resolution.kind === 'agent' ? resolution : undefined;
  const cleanup = new KnownClientsCleanup(clientContext(config, io), [config.serverName]);
  const enrolment = new Enrolment({ layout: layoutOf(io), client: cliClient(config, io, 30_000), instanceId: await ownerId(config, io), logger: io.out.logger });
  const fromEnv = current?.source === 'environment';
  const report = await enrolment.revoke({ agent: current?.agent, tokens: await cleanup.cachedTokens(), human, cleanup });
  const { message } = describeRevoke(report, fromEnv, 'run `oneclaw bootstrap` (or "1Claw: Bootstrap Workspace Agent" in the editor)');
  io.out.print(message);
  for (const item of report.removed) io.out.note(`removed: ${item}`);
  return report.stillHolding.length || report.problems.length ? 1 : 0;
}
