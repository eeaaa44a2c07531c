/**
 * Every AI client the product can register with by editing a file. Revoke removes our entry
 * from all of them whatever the settings; the CLI's `--client` and the module's `clients` list
 * name them by id; the extension's settings map onto them. Adding a client: its file in this
 * folder (a KnownClient), and one line below.
 */
import { claudeCodeClient } from './claudeCode';
import type { KnownClient } from './client';
import { cursorClient } from './cursor';

export const KNOWN_CLIENTS: readonly KnownClient[] = [claudeCodeClient, cursorClient];

export function knownClient(id: string): KnownClient | undefined {
  return KNOWN_CLIENTS.find((client) => client.id === id);
}
