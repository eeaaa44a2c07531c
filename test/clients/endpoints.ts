/**
 * The URL and headers a client sends for our entry, read the way that client reads it, and its
 * references expanded the way that client documents (each client file in src/mcp/clients says
 * which). Used to connect an MCP SDK client with exactly what the real client would send.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { listedSecretPaths } from '../emulator/testing';

export interface Endpoint {
  url: string;
  headers: Record<string, string>;
}

export function entryEndpoint(id: string, entry: Record<string, unknown>): Endpoint {
  const headers = (value: unknown) => ({ ...((value ?? {}) as Record<string, string>) });
  switch (id) {
    case 'codex': {
      const out = headers(entry.http_headers);
      if (typeof entry.bearer_token_env_var === 'string') out.Authorization = `Bearer \${${entry.bearer_token_env_var}}`;
      return { url: String(entry.url), headers: out };
    }
    case 'gemini':
    case 'qwen':
      return { url: String(entry.httpUrl), headers: headers(entry.headers) };
    case 'windsurf':
    case 'antigravity':
      return { url: String(entry.serverUrl), headers: headers(entry.headers) };
    case 'continue':
      return { url: String(entry.url), headers: headers((entry.requestOptions as { headers?: unknown } | undefined)?.headers) };
    default:
      return { url: String(entry.url), headers: headers(entry.headers) };
  }
}

/** Each client's reference syntax (an unknown variable expands to nothing, as the clients do). */
const SYNTAX: Record<string, RegExp[]> = {
  codex: [/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g], // bearer_token_env_var, spelled as ${VAR} by entryEndpoint
  gemini: [/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, /\$([A-Za-z_][A-Za-z0-9_]*)/g],
  qwen: [/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, /\$([A-Za-z_][A-Za-z0-9_]*)/g],
  copilot: [/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g],
  cursor: [/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g],
  windsurf: [/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g],
  opencode: [/\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g],
  kilo: [/\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g],
  continue: [/\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g],
  kiro: [],
  zed: [],
  antigravity: [],
};

export async function expandReferences(id: string, headers: Record<string, string>, variables: Record<string, string>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    let value = raw;
    if (id === 'opencode' || id === 'kilo') {
      for (const match of [...value.matchAll(/\{file:([^}]+)\}/g)]) value = value.replace(match[0], (await fs.readFile(match[1]!, 'utf8')).trim());
    }
    for (const pattern of SYNTAX[id] ?? []) value = value.replace(pattern, (_m, variable: string) => variables[variable] ?? '');
    out[name] = value;
  }
  return out;
}

/** Connect an MCP SDK client with exactly these headers; the secret paths list_secrets reports. */
export async function listedPaths(endpoint: Endpoint): Promise<string[]> {
  const client = new Client({ name: 'registration-check', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(endpoint.url), { requestInit: { headers: endpoint.headers } }));
  try {
    const result = await client.callTool({ name: 'list_secrets', arguments: {} });
    const first = (result.content as Array<{ text?: string }>)[0];
    assert.ok(!result.isError, `list_secrets failed: ${first?.text}`);
    // The official list_secrets answers in text ("Found N secret(s):\n- <path>  (type: …)").
    return listedSecretPaths(first?.text ?? '');
  } finally {
    await client.close();
  }
}
