/**
 * Which clients a registration pass covers: each known client with its mode (settings, the
 * module's config or the CLI's flags) and whether it is present here. `auto` clients are
 * registered where present; `always` ones everywhere; `never` ones not at all. The editor and the
 * CLI plan the same way; the editor adds what only it knows (which editor it runs in).
 */
import type { ClientId, ClientMode } from './ids';
import type { KnownClient, PathContext } from './client';
import { detectPresence, type Presence } from './presence';
import { KNOWN_CLIENTS } from './registry';

export interface PlannedClient {
  client: KnownClient;
  mode: ClientMode;
  presence: Presence;
  /** Registered in this pass: `always`, or `auto` and present. */
  wanted: boolean;
}

export interface PlanOptions {
  modes: Readonly<Partial<Record<ClientId, ClientMode>>>;
  /** Presence the caller knows better than the file system (the editor we run in). */
  presenceOf?: (client: KnownClient) => Presence | undefined;
  clients?: readonly KnownClient[];
}

export function planClients(ctx: PathContext, options: PlanOptions): PlannedClient[] {
  return (options.clients ?? KNOWN_CLIENTS).map((client) => {
    const mode = options.modes[client.id] ?? 'auto';
    const presence = options.presenceOf?.(client) ?? detectPresence(client.presence, ctx);
    return { client, mode, presence, wanted: mode === 'always' || (mode === 'auto' && presence.present) };
  });
}
