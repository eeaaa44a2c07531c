/**
 * The ids of every AI client the product registers with: `oneclaw register --client <id>`, the
 * Coder module's `clients` list, the keys of the `oneclaw.mcp.clients` setting. Plain data, so
 * the settings can name them without loading the clients.
 */
export const CLIENT_IDS = [
  'vscode',
  'cursor',
  'claude-code',
  'codex',
  'gemini',
  'copilot',
  'opencode',
  'qwen',
  'continue',
  'kilo',
  'windsurf',
  'kiro',
  'zed',
  'antigravity',
] as const;

export type ClientId = (typeof CLIENT_IDS)[number];

/**
 * How a client is treated: `auto` registers it where it is present (its binary on PATH or its
 * config directory exists), `always` registers it even where it is not (creating its config
 * file), `never` leaves it alone (and removes an entry registered earlier).
 */
export type ClientMode = 'auto' | 'always' | 'never';

export const CLIENT_MODES: readonly ClientMode[] = ['auto', 'always', 'never'];

export function isClientId(value: unknown): value is ClientId {
  return typeof value === 'string' && (CLIENT_IDS as readonly string[]).includes(value);
}
