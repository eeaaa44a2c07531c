/**
 * Every AI client the product registers 1Claw's MCP server with. Revoke and Disconnect remove our
 * entry from all of them, present or not, whatever the settings; the CLI's `--client`, the
 * module's `clients` list and the `oneclaw.mcp.clients` setting name them by id; the views list
 * them in this order. Adding a client: its file in this folder (a KnownClient), its id in ids.ts,
 * and one line below.
 */
import { antigravityClient } from './antigravity';
import { claudeCodeClient } from './claudeCode';
import type { KnownClient } from './client';
import { codexClient } from './codex';
import { continueClient } from './continueCli';
import { copilotClient } from './copilot';
import { cursorClient } from './cursor';
import { geminiClient } from './gemini';
import { kiloClient } from './kilo';
import { kiroClient } from './kiro';
import { openCodeClient } from './opencode';
import { qwenClient } from './qwen';
import { vscodeClient } from './vscode';
import { windsurfClient } from './windsurf';
import { zedClient } from './zed';

export const KNOWN_CLIENTS: readonly KnownClient[] = [
  vscodeClient,
  cursorClient,
  claudeCodeClient,
  codexClient,
  geminiClient,
  copilotClient,
  openCodeClient,
  qwenClient,
  continueClient,
  kiloClient,
  windsurfClient,
  kiroClient,
  zedClient,
  antigravityClient,
];

export function knownClient(id: string): KnownClient | undefined {
  return KNOWN_CLIENTS.find((client) => client.id === id);
}

/** The clients that are configured through a file (every one but the editor API). */
export const FILE_CLIENTS: readonly KnownClient[] = KNOWN_CLIENTS.filter((client) => !client.editorApi);
