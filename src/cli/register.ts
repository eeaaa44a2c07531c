/**
 * `oneclaw register [--client <id>]...` and `oneclaw unregister`: the same registrations the
 * extension makes (src/mcp/clients), for the clients the config or the flags name.
 */
import type { StoredAgentRecord } from '../credentials/agentRecord';
import type { CredentialSource } from '../credentials/state';
import { KnownClientsCleanup } from '../mcp/clients/cleanup';
import { KNOWN_CLIENTS, knownClient } from '../mcp/clients/registry';
import type { RegistrationResult } from '../mcp/registrar';
import { UsageError, type ParsedArgs } from './args';
import { loadConfig, type CliConfig } from './config';
import { clientContext, connectionFor, layoutOf, resolveForCli, type CliIo } from './context';
import { vaultOf } from './workspaceAgent';

export async function registerCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const config = await loadConfig(args, layoutOf(io));
  const ids = args.values.get('client') ?? config.clients;
  for (const id of ids) if (!knownClient(id)) throw new UsageError(`unknown client "${id}"; known: ${KNOWN_CLIENTS.map((c) => c.id).join(', ')}`);
  const resolution = await resolveForCli(io);
  if (resolution.kind !== 'agent') {
    io.out.note(resolution.kind === 'revoked' ? 'This workspace was revoked; run `oneclaw bootstrap` to enrol a new agent first.' : resolution.kind === 'invalid' ? resolution.problems.join(' ') : 'No agent credentials here: set ONECLAW_AGENT_API_KEY or run `oneclaw bootstrap` first.');
    return 1;
  }
  const agent = await vaultOf(resolution.agent, config, io);
  return (await registerClients(config, io, agent, resolution.source, ids)) ? 0 : 1;
}

/** Register with each client; true when all succeeded. Re-run at every start: unchanged entries are not rewritten. */
export async function registerClients(config: CliConfig, io: CliIo, agent: StoredAgentRecord, source: CredentialSource, ids: readonly string[], token?: { token: string; expiresAt: number }): Promise<boolean> {
  const ctx = clientContext(config, io);
  const connection = { ...connectionFor(config, io, agent, source), token: token?.token, tokenExpiresAt: token?.expiresAt };
  let ok = true;
  for (const id of ids) {
    const client = knownClient(id);
    if (!client) {
      io.out.note(`warn: unknown client "${id}" ignored (known: ${KNOWN_CLIENTS.map((c) => c.id).join(', ')}).`);
      continue;
    }
    const registrar = client.registrar(ctx);
    const result: RegistrationResult = await registrar.register(connection).catch((err: unknown) => ({ ok: false, detail: `${client.label}: ${err instanceof Error ? err.message : String(err)}` }));
    io.out.note(result.detail);
    ok &&= result.ok || result.skipped === true;
    if (result.ok && token && registrar.tokenIssued) await registrar.tokenIssued(connection).catch(() => undefined);
  }
  return ok;
}

export async function unregisterCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const config = await loadConfig(args, layoutOf(io));
  const cleanup = new KnownClientsCleanup(clientContext(config, io), [config.serverName]);
  const { removed, problems } = await cleanup.removeEverywhere([]);
  for (const item of removed) io.out.note(`removed: ${item}`);
  for (const problem of problems) io.out.note(`warn: ${problem}`);
  if (!removed.length && !problems.length) io.out.note('No 1Claw MCP entry was registered here.');
  return problems.length ? 1 : 0;
}
