/**
 * `oneclaw status [--json]`: where this workspace's credentials come from, whether it is revoked,
 * and what is registered with each known client — read from files only, no network, no secret.
 */
import { keyFingerprint } from '../credentials/agentRecord';
import { readTokenCache } from '../credentials/tokenCache';
import { detectPresence } from '../mcp/clients/presence';
import { FILE_CLIENTS } from '../mcp/clients/registry';
import { readEntry } from '../mcp/edit';
import { readRegistration } from '../mcp/helper/registration';
import { readTextFile } from '../util/files';
import type { ParsedArgs } from './args';
import { loadConfig } from './config';
import { layoutOf, resolveForCli, revocations, type CliIo } from './context';

export async function statusCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const layout = layoutOf(io);
  const config = await loadConfig(args, layout);
  const resolution = await resolveForCli(io);
  const agent = resolution.kind === 'agent' ? resolution.agent : undefined;
  const registration = await readRegistration(layout.helperRegistration(config.serverName)).catch(() => undefined);
  const cache = registration ? await readTokenCache(registration.token_cache) : undefined;
  const now = Math.floor((io.now ?? Date.now)() / 1000);
  const clients: Record<string, string> = {};
  for (const client of FILE_CLIENTS) {
    let text = '';
    for (const file of client.files({ env: io.env, home: io.home })) {
      const read = await readTextFile(file, 32 * 1024 * 1024).catch(() => undefined);
      if (!read?.exists) continue;
      try {
        if (readEntry(client.format, read.text, { container: client.container, listKey: client.listKey, name: config.serverName }) !== undefined) text = `registered in ${file}`;
      } catch {
        text ||= `${file} cannot be read as ${client.format.toUpperCase()}`;
      }
      if (text.startsWith('registered')) break;
    }
    clients[client.id] = text || (detectPresence(client.presence, { env: io.env, home: io.home }).present ? 'not registered' : 'not registered (not present here)');
  }
  const status = {
    state: resolution.kind === 'agent' ? 'configured' : resolution.kind === 'enrol' ? 'enrolment offered' : resolution.kind === 'invalid' ? 'invalid' : resolution.kind,
    problems: resolution.kind === 'invalid' ? resolution.problems : [],
    source: resolution.kind === 'agent' ? resolution.source : undefined,
    agent_id: agent?.agentId,
    vault_id: agent?.vaultId,
    key_fingerprint: agent ? keyFingerprint(agent.agentKey).slice(0, 12) : undefined,
    revoked_here: await revocations(io).isWorkspaceRevoked(),
    api_base_url: config.apiBaseUrl,
    mcp_url: config.mcpUrl,
    server_name: config.serverName,
    clients,
    helper: registration ? { registration: layout.helperRegistration(config.serverName), token_cached_for_seconds: cache ? Math.max(0, cache.expiresAtSeconds - now) : 0 } : undefined,
  };
  if (args.switches.has('json')) io.out.print(JSON.stringify(status, null, 2));
  else {
    io.out.print(`1Claw: ${status.state}${status.source ? ` (key from ${status.source})` : ''}${status.revoked_here ? '; revoked here' : ''}`);
    for (const problem of status.problems) io.out.print(`  problem: ${problem}`);
    if (agent) io.out.print(`  agent ${status.agent_id ?? '(id unknown)'}, vault ${status.vault_id ?? '(from the token)'}, key …${status.key_fingerprint}`);
    io.out.print(`  API ${status.api_base_url}, MCP ${status.mcp_url} ("${status.server_name}")`);
    for (const [id, text] of Object.entries(clients)) io.out.print(`  ${id}: ${text}`);
    if (status.helper) io.out.print(`  headers helper: token cached for ${status.helper.token_cached_for_seconds} s`);
  }
  return resolution.kind === 'invalid' ? 1 : 0;
}
