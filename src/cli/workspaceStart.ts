/**
 * `oneclaw workspace-start --config <file>`: what the Coder module's start script runs at every
 * workspace start. It enrols the workspace if needed (under the lock the editor shares, and
 * never while the workspace is revoked), registers the MCP clients the config names, and prints
 * a short summary. Exit 0 when the workspace is ready (or deliberately left alone: revoked, no
 * credential offered), 1 when something failed, 2 for a bad invocation or config.
 *
 * THE CONTRACT WITH THE MODULE (keep it stable; new keys may be added, unknown keys are ignored):
 *
 * The config is a non-secret JSON file the module renders, for example:
 *
 *   {
 *     "api_base_url": "https://api.1claw.co",
 *     "mcp_url": "https://mcp.1claw.co/mcp",
 *     "server_name": "1claw",
 *     "clients": ["claude-code", "all"],
 *     "credential_style": "fresh",
 *     "vault_name": "coder-workspace",
 *     "vault_id": null,
 *     "agent_name": "coder-alice-dev",
 *     "policy_path": "**",
 *     "permissions": ["read"],
 *     "token_ttl_seconds": 3600,
 *     "owner_marker": "coder-workspace:6f1c2a9e-1d1b-4f0e-9c55-2b8b5d0b7c11",
 *     "device_sign_in": { "enabled": false, "wait_seconds": 600 }
 *   }
 *
 * - Endpoints come from this file only; ONECLAW_BASE_URL / ONECLAW_MCP_URL are not read.
 * - `clients`: ids from src/mcp/clients/ids.ts — claude-code, codex, gemini, copilot, opencode,
 *   qwen, continue, kilo, cursor, windsurf, kiro, zed, antigravity ("vscode" is the extension's
 *   provider API: nothing for this command to do). A named client is registered whether or not
 *   it is installed yet (the template asked for it; another module may install it later); `"all"`
 *   adds every other client that is present here (its binary on PATH or its config directory
 *   exists), creating nothing for the absent ones. Absent key: `["all"]`.
 *   Clients that cannot hold a credential-free entry here (no helper, and the key not in
 *   ONECLAW_AGENT_API_KEY) are skipped with the reason: only the editor renews tokens.
 * - `vault_id`: serve (and enrol into) this vault; null: find or create `vault_name`.
 * - `owner_marker`: the id in the `(oneclaw-instance:<id>)` marker of the agents this workspace
 *   creates; only agents carrying it are ever replaced. Recorded in ~/.1claw/instance-id (0600)
 *   at every start, so `oneclaw bootstrap` and the extension use it too. Absent: the recorded
 *   id, else a random one. Never CODER_WORKSPACE_ID (a project can set it in a terminal).
 * - `device_sign_in.enabled`: enrol by device sign-in when no other credential is offered, or
 *   when the one-time session turns out dead (already used, or expired before a slow first
 *   boot): the code and the URL are printed in one block, and the script waits at most
 *   `wait_seconds` (0: no device sign-in) for the approval, then revokes the sign-in session.
 *
 * Secrets come from the environment only (coder_env): ONECLAW_AGENT_API_KEY (+ ONECLAW_VAULT_ID,
 * ONECLAW_AGENT_ID) in native/manual mode, or the one-time human session
 * `_ONECLAW_BOOTSTRAP_SESSION` in bootstrap mode, which the first enrolment (this command or the
 * extension, whoever takes the lock `~/.1claw/agent.json.lock`) uses and revokes
 * (DELETE /v1/auth/token); later starts find the stored agent, or find the session dead and
 * ignore it.
 *
 * Files: ~/.1claw (0700): agent.json (0600), revoked.json, instance-id, mcp-helper-<server>.json,
 * bin/oneclaw-mcp-headers-<server> (the Claude Code headersHelper), bin/oneclaw.cjs (this CLI).
 */
import { recordInstanceId } from '../credentials/home';
import { UsageError, type ParsedArgs } from './args';
import { loadConfig } from './config';
import { layoutOf, resolveForCli, revocations, type CliIo } from './context';
import { deviceSignIn } from './humanCredential';
import { configSelection, registerClients } from './register';
import { enrolWorkspace, enrolledSummary, vaultOf } from './workspaceAgent';
import type { HumanCredential } from '../credentials/bootstrap';
import type { AgentRecord } from '../credentials/agentRecord';
import type { CredentialSource } from '../credentials/state';
import { describeError } from '../util/log';

export async function workspaceStartCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  if (!args.values.has('config')) throw new UsageError('workspace-start needs --config <file>');
  const config = await loadConfig(args, layoutOf(io), { requireFile: true });
  // The template's owner marker becomes this workspace's recorded identity, for `oneclaw
  // bootstrap` in a terminal and the extension alike (never CODER_WORKSPACE_ID: a project can set it).
  if (config.ownerMarker) await recordInstanceId(layoutOf(io), config.ownerMarker, io.out.logger);
  const resolution = await resolveForCli(io);
  for (const note of resolution.kind === 'invalid' ? [] : resolution.notes) io.out.note(`warn: ${note}`);

  let agent: AgentRecord;
  let source: CredentialSource;
  switch (resolution.kind) {
    case 'invalid':
      io.out.note(`error: ${resolution.problems.join(' ')} Fix the module's inputs and restart the workspace.`);
      return 1;
    case 'revoked':
      io.out.note(resolution.reason === 'key' ? 'This workspace\'s agent key was revoked here; the template still injects it. Not registering anything: remove the key from the template, or run `oneclaw bootstrap` for a new agent.' : 'This workspace\'s 1Claw access was revoked; nothing is enrolled again until someone runs `oneclaw bootstrap` (or "1Claw: Bootstrap Workspace Agent" in the editor).');
      return 0;
    case 'agent':
      ({ agent, source } = resolution);
      io.out.note(`using the agent key from ${source === 'environment' ? 'ONECLAW_AGENT_API_KEY' : layoutOf(io).agentFile}.`);
      break;
    case 'enrol':
    case 'none': {
      const human = resolution.kind === 'enrol' ? resolution.human : await signInOrSkip(config.deviceSignIn.enabled, io, config);
      if (!human) return 0;
      let enrolled = await enrol(human, io, config);
      if (enrolled === 'session-used') enrolled = await deviceInstead(io, config);
      if (!enrolled) return enrolled === false ? 1 : 0;
      ({ agent, source } = enrolled);
    }
  }
  // A revoke may have run while we enrolled (it waits for the enrolment, then revokes its agent too).
  if (await revocations(io).isKeyRevoked(agent.agentKey)) {
    io.out.note('This workspace\'s 1Claw access was revoked meanwhile; not registering anything.');
    return 0;
  }
  try {
    const served = await vaultOf(agent, config, io, true);
    const ok = await registerClients(config, io, served.agent, source, configSelection(config), served.token);
    io.out.note(ok ? `ready: MCP server "${config.serverName}" at ${config.mcpUrl} for vault ${served.agent.vaultId}.` : 'done, with problems (see above).');
    return ok ? 0 : 1;
  } catch (err) {
    io.out.note(`error: ${describeError(err)}`);
    return 1;
  }
}

type Enrolled = { agent: AgentRecord; source: CredentialSource };

/**
 * The template's one-time session was dead (used by an earlier start, or expired before a slow
 * first boot): sign in with a device code instead when the module enables it.
 */
async function deviceInstead(io: CliIo, config: Parameters<typeof enrolWorkspace>[1]): Promise<Enrolled | undefined | false> {
  if (!config.deviceSignIn.enabled || config.deviceSignIn.waitSeconds <= 0) {
    io.out.note('The one-time enrolment session was already used or has expired; not enrolling. (Restart after rebuilding the workspace, or run `oneclaw bootstrap --device`.)');
    return undefined;
  }
  io.out.note('The one-time enrolment session was already used or has expired; signing in with a device code instead.');
  const human = await signInOrSkip(true, io, config);
  const enrolled = human ? await enrol(human, io, config) : undefined;
  if (enrolled !== 'session-used') return enrolled;
  io.out.note('1Claw refused the device sign-in session too; not enrolling.');
  return false;
}

/** Enrol under the shared lock; undefined: deliberately nothing (revoked), false: failed, 'session-used': the session was dead. */
async function enrol(human: HumanCredential, io: CliIo, config: Parameters<typeof enrolWorkspace>[1]): Promise<Enrolled | undefined | false | 'session-used'> {
  try {
    const outcome = await enrolWorkspace(human, config, io, false);
    switch (outcome.kind) {
      case 'enrolled':
        io.out.note(enrolledSummary(outcome.result));
        return { agent: outcome.result.agent, source: 'bootstrap' };
      case 'reused':
        io.out.note('another process (the 1Claw extension?) enrolled this workspace meanwhile; using its agent.');
        return { agent: outcome.agent, source: 'cache-file' };
      case 'revoked':
        io.out.note('This workspace\'s 1Claw access was revoked; not enrolling.');
        return undefined;
      case 'session-used':
        return 'session-used';
    }
  } catch (err) {
    io.out.note(`error: ${describeError(err)}`);
    return false;
  }
}

async function signInOrSkip(deviceEnabled: boolean, io: CliIo, config: Parameters<typeof deviceSignIn>[0]): Promise<HumanCredential | undefined> {
  if (!deviceEnabled || config.deviceSignIn.waitSeconds <= 0) {
    io.out.note('No 1Claw credentials offered (no ONECLAW_AGENT_API_KEY, no stored agent, no enrolment session): nothing to do.');
    return undefined;
  }
  try {
    return await deviceSignIn(config, io, { waitSeconds: config.deviceSignIn.waitSeconds });
  } catch (err) {
    io.out.note(`Device sign-in: ${describeError(err)}`);
    return undefined;
  }
}
