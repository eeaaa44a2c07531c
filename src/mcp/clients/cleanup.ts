/**
 * The MCP side of revoke and `oneclaw unregister`: our entry leaves EVERY client the product
 * knows, whatever the settings say — the name the settings use, the names of every headers
 * helper registered here, and any entry holding one of our credentials or running our helper
 * (the Coder module may have written one under another name) — and the helper's files go too.
 * Afterwards it can tell which of the files the product writes still hold a credential.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ClientCleanup } from '../../credentials/enrolment';
import { oneClawHome, trustedRuntimeDir, type OneClawHome } from '../../credentials/home';
import { readTokenCache } from '../../credentials/tokenCache';
import { readTextFile } from '../../util/files';
import { describeError } from '../../util/log';
import { removeHeadersHelper } from '../helper/install';
import { AGENT_KEY_VARIABLE } from '../entries';
import type { ClientContext, KnownClient } from './client';
import { entriesIn } from './entriesIn';
import { readRecordedPaths } from './customPaths';
import { bearerFileName, removeBearerFiles } from './fileClient';
import { KNOWN_CLIENTS } from './registry';

const MAX_SCAN_BYTES = 32 * 1024 * 1024;

export class KnownClientsCleanup implements ClientCleanup {
  private readonly layout: OneClawHome;
  /** Token caches named by registrations seen before they were removed. */
  private readonly tokenCaches = new Set<string>();

  constructor(
    private readonly ctx: ClientContext,
    /** Server names to remove besides those found (the settings' name, the default). */
    private readonly serverNames: readonly string[],
  ) {
    this.layout = oneClawHome(ctx.home);
  }

  async removeEverywhere(needles: string[]): Promise<{ removed: string[]; problems: string[] }> {
    const removed: string[] = [];
    const problems: string[] = [];
    const names = new Set([...this.serverNames, ...(await this.registeredNames())]);
    await this.cachedTokens(); // remembers the caches' paths for filesContaining
    // Our entries, under whatever name: one holding our credential, running our helper, naming
    // our token file or referencing the agent key's variable.
    const ourMarks = [...needles, this.layout.binDir, bearerFileName(''), AGENT_KEY_VARIABLE];
    for (const { client, ctx, file } of await this.clientFiles()) {
      const entries = await containerEntries(file, client);
      const ours = Object.entries(entries)
        .filter(([name, value]) => names.has(name) || ourMarks.some((mark) => JSON.stringify(value).includes(mark)))
        .map(([name]) => name);
      for (const name of ours) {
        try {
          const result = await client.registrar({ ...ctx, serverName: name }).unregister();
          if (result.ok) removed.push(`${client.label}: "${name}" in ${file}`);
          else problems.push(result.detail);
        } catch (err) {
          problems.push(`${client.label}: could not remove "${name}" from ${file}: ${describeError(err)}`);
        }
      }
    }
    for (const name of names) removed.push(...(await removeHeadersHelper(this.layout, name)), ...(await removeBearerFiles(this.ctx, name)));
    return { removed, problems };
  }

  async filesContaining(needles: string[]): Promise<string[]> {
    if (needles.length === 0) return [];
    const candidates = new Set<string>([...(await this.clientFiles()).map((c) => c.file), ...this.tokenCaches, ...(await filesUnder(this.layout.dir, 3))]);
    const runtime = await trustedRuntimeDir(this.ctx.env);
    if (runtime) for (const file of await filesUnder(runtime, 1)) candidates.add(file);
    const holding: string[] = [];
    for (const file of candidates) {
      const text = await readTextFile(file, MAX_SCAN_BYTES).catch(() => undefined);
      if (text?.exists && needles.some((needle) => text.text.includes(needle))) holding.push(file);
    }
    return holding;
  }

  async cachedTokens(): Promise<string[]> {
    const tokens: string[] = [];
    for (const name of await this.registeredNames()) {
      try {
        const registration = JSON.parse(await fs.readFile(this.layout.helperRegistration(name), 'utf8')) as { token_cache?: unknown };
        if (typeof registration.token_cache !== 'string' || !path.isAbsolute(registration.token_cache)) continue;
        this.tokenCaches.add(registration.token_cache);
        const cached = await readTokenCache(registration.token_cache);
        const token = cached && (JSON.parse(cached.headersLine) as { Authorization?: string }).Authorization?.replace(/^Bearer /, '');
        if (token) tokens.push(token);
      } catch {
        // an unreadable registration has no token to offer
      }
    }
    return tokens;
  }

  /**
   * Every client's file, as this environment names it and as the default environment does: a
   * CLAUDE_CONFIG_DIR set where revoke runs (a project's terminal env, or simply not the one the
   * entry was registered with) must not hide the entry in ~/.claude.json. Plus every file a
   * template moved a client to (the context's paths and those recorded in ~/.1claw).
   */
  private async clientFiles(): Promise<Array<{ client: KnownClient; ctx: ClientContext; file: string }>> {
    const { CLAUDE_CONFIG_DIR: _relocated, ...defaultEnv } = this.ctx.env;
    const recorded = await readRecordedPaths(this.layout);
    const files: Array<{ client: KnownClient; ctx: ClientContext; file: string }> = [];
    for (const client of KNOWN_CLIENTS) {
      const moved = new Set([this.ctx.paths?.[client.id], recorded.current[client.id], ...(recorded.registered[client.id] ?? [])].filter((p): p is string => p !== undefined));
      const contexts: ClientContext[] = [{ ...this.ctx, paths: undefined }, { ...this.ctx, env: defaultEnv, paths: undefined }, ...[...moved].map((p) => ({ ...this.ctx, paths: { [client.id]: p } }))];
      for (const ctx of contexts) {
        for (const file of client.files(ctx)) if (!files.some((f) => f.client === client && f.file === file)) files.push({ client, ctx, file });
      }
    }
    return files;
  }

  /** Servers with a headers helper registered here (`~/.1claw/mcp-helper-<name>.json`). */
  private async registeredNames(): Promise<string[]> {
    const names = await fs.readdir(this.layout.dir).catch(() => [] as string[]);
    return names.map((n) => /^mcp-helper-([A-Za-z0-9_-]{1,64})\.json$/.exec(n)?.[1]).filter((n): n is string => n !== undefined);
  }
}

/** The entries of a client file's servers container (empty when the file is absent or unreadable). */
async function containerEntries(file: string, client: Pick<KnownClient, 'format' | 'container' | 'listKey'>): Promise<Record<string, unknown>> {
  const read = await readTextFile(file, MAX_SCAN_BYTES).catch(() => undefined);
  return read?.exists ? entriesIn(client.format, read.text, client) : {};
}

async function filesUnder(dir: string, depth: number): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isFile()) out.push(full);
    else if (entry.isDirectory() && depth > 1) out.push(...(await filesUnder(full, depth - 1)));
  }
  return out;
}
