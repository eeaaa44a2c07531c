/**
 * `oneclaw register [--client <id>]...` and `oneclaw unregister`: the same registrations the
 * extension makes (src/mcp/clients, planned by src/mcp/clients/plan.ts). A client named — in the
 * config's `clients` or with `--client` — is registered whether present or not (the template or
 * the user asked for it); `"all"` adds every other client that is present here.
 */
import type { StoredAgentRecord } from '../credentials/agentRecord';
import type { CredentialSource } from '../credentials/state';
import { KnownClientsCleanup } from '../mcp/clients/cleanup';
import { recordPaths, type ClientPaths } from '../mcp/clients/customPaths';
import { isClientId, type ClientId, type ClientMode } from '../mcp/clients/ids';
import { planClients } from '../mcp/clients/plan';
import { KNOWN_CLIENTS, knownClient } from '../mcp/clients/registry';
import type { RegistrationResult } from '../mcp/registrar';
import { UsageError, type ParsedArgs } from './args';
import { loadConfig, type CliConfig } from './config';
import { clientContext, connectionFor, layoutOf, resolveForCli, type CliIo } from './context';
import { vaultOf } from './workspaceAgent';

/** Which clients a pass covers. */
export interface ClientSelection {
  /** Registered whether present or not. */
  named: readonly string[];
  /** Every other known client too, where present (`"all"`). */
  allPresent: boolean;
  /** Never registered, even where present (the module's install_*_config = false). */
  skipped?: readonly string[];
}

/** The config's `clients`: the ids it names, and `"all"` for every client present here; minus `skip_clients`. */
export function configSelection(config: Pick<CliConfig, 'clients' | 'skipClients'>): ClientSelection {
  return { named: config.clients.filter((id) => id !== 'all'), allPresent: config.clients.includes('all'), skipped: config.skipClients };
}

export async function registerCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const config = await loadConfig(args, layoutOf(io));
  const named = args.values.get('client');
  for (const id of named ?? []) if (!knownClient(id)) throw new UsageError(`unknown client "${id}"; known: ${KNOWN_CLIENTS.map((c) => c.id).join(', ')}`);
  const resolution = await resolveForCli(io);
  if (resolution.kind !== 'agent') {
    io.out.note(resolution.kind === 'revoked' ? 'This workspace was revoked; run `oneclaw bootstrap` to enrol a new agent first.' : resolution.kind === 'invalid' ? resolution.problems.join(' ') : 'No agent credentials here: set ONECLAW_AGENT_API_KEY or run `oneclaw bootstrap` first.');
    return 1;
  }
  const agent = await vaultOf(resolution.agent, config, io);
  const selection = named ? { named, allPresent: false } : configSelection(config);
  return (await registerClients(config, io, agent, resolution.source, selection)) ? 0 : 1;
}

/** The mode of every known client under a selection (unknown ids are reported, not fatal). */
function selectionModes(selection: ClientSelection, io: CliIo): Partial<Record<ClientId, ClientMode>> {
  const modes: Partial<Record<ClientId, ClientMode>> = {};
  for (const id of selection.named) if (!isClientId(id)) io.out.note(`warn: unknown client "${id}" ignored (known: ${KNOWN_CLIENTS.map((c) => c.id).join(', ')}).`);
  // The editor's own API is the extension's business: only when named (it then says so).
  for (const client of KNOWN_CLIENTS) {
    modes[client.id] = selection.skipped?.includes(client.id) ? 'never' : selection.named.includes(client.id) ? 'always' : selection.allPresent && !client.editorApi ? 'auto' : 'never';
  }
  return modes;
}

/** Register with each selected client; true when none failed. Re-run at every start: unchanged entries are not rewritten. */
export async function registerClients(config: CliConfig, io: CliIo, agent: StoredAgentRecord, source: CredentialSource, selection: ClientSelection, token?: { token: string; expiresAt: number }): Promise<boolean> {
  const ctx = clientContext(config, io);
  // Remember where the template moved clients, so a revoke from anywhere cleans those files too.
  if (config.clientPathsFromConfig) await recordPaths(layoutOf(io), movedPaths(config, io)).catch((err: unknown) => io.out.note(`warn: could not record the clients' config paths: ${err instanceof Error ? err.message : String(err)}`));
  const connection = { ...connectionFor(config, io, agent, source), token: token?.token, tokenExpiresAt: token?.expiresAt };
  const plan = planClients(ctx, { modes: selectionModes(selection, io) });
  const absent = plan.filter((p) => p.mode === 'auto' && !p.wanted).map((p) => p.client.id);
  let ok = true;
  for (const { client, wanted } of plan) {
    if (!wanted) continue;
    const registrar = client.registrar(ctx);
    const result: RegistrationResult = await registrar.register(connection).catch((err: unknown) => ({ ok: false, detail: `${client.label}: ${err instanceof Error ? err.message : String(err)}` }));
    io.out.note(result.detail);
    ok &&= result.ok || result.skipped === true;
    if (result.ok && token && registrar.tokenIssued) await registrar.tokenIssued(connection).catch(() => undefined);
  }
  if (absent.length) io.out.note(`not present here (no binary on PATH, no config directory), left alone: ${absent.join(', ')}.`);
  return ok;
}

/** The config's client paths that differ from the clients' own (the module always passes Cursor's, default or not). */
function movedPaths(config: CliConfig, io: CliIo): ClientPaths {
  const own = { env: io.env, home: io.home };
  return Object.fromEntries(Object.entries(config.clientPaths).filter(([id, file]) => knownClient(id)?.configPath(own) !== file));
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
