/**
 * The headers helper's registration, `~/.1claw/mcp-helper-<server>.json` (0600): everything the
 * helper needs, fixed when a trusted process (the editor, the module's start script) registers
 * the server — the API a key may go to, the MCP URL it serves, the vault, where the key comes
 * from, and where tokens are cached. The helper reads nothing else: not its environment's
 * URLs, not HOME, not the project.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as z from 'zod/mini';
import { checkServiceUrl } from '../../api/url';
import { readTextFile, writeFileAtomic } from '../../util/files';

export const KEY_VARIABLE = 'ONECLAW_AGENT_API_KEY';

/**
 * Variables that decide where Claude Code's own connections go and which certificates it trusts.
 * Claude Code applies a project's settings env to itself (it honours a project's proxy), so the
 * helper hands out a token only when these are as they were when a trusted process registered it
 * (then they are the user's own, and the helper's Node may use them too: a corporate CA, a proxy).
 */
export const NETWORK_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'NODE_USE_ENV_PROXY', 'NODE_EXTRA_CA_CERTS', 'NODE_TLS_REJECT_UNAUTHORIZED', 'SSL_CERT_FILE', 'SSL_CERT_DIR'] as const;

/** A digest of those variables' values (unset and empty are different). */
export function networkEnvironmentDigest(env: Readonly<Record<string, string | undefined>>): string {
  const values = NETWORK_VARIABLES.map((name) => [name, env[name] ?? null]);
  return createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 32);
}

export type KeySource = { file: string; fingerprint: string } | { env: typeof KEY_VARIABLE; fingerprint: string };

export interface HelperRegistration {
  server_name: string;
  api_base_url: string;
  mcp_url: string;
  vault_id: string;
  key_source: KeySource;
  token_cache: string;
  /** networkEnvironmentDigest of the registering process's environment. */
  network_env: string;
}

const absolute = () => z.string().check(z.refine((p) => path.isAbsolute(p), { message: 'must be an absolute path' }));
const serviceUrl = () => z.string().check(z.refine((u) => checkServiceUrl(u).ok, { message: 'must be https (or http to loopback) without credentials' }));
const fingerprint = () => z.string().check(z.regex(/^[0-9a-f]{32}$/));

const RegistrationSchema = z.object({
  server_name: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)),
  api_base_url: serviceUrl(),
  mcp_url: serviceUrl(),
  vault_id: z.string().check(z.regex(/^[0-9a-fA-F-]{36}$/)),
  key_source: z.union([z.object({ file: absolute(), fingerprint: fingerprint() }), z.object({ env: z.literal(KEY_VARIABLE), fingerprint: fingerprint() })]),
  token_cache: absolute(),
  network_env: z.string().check(z.regex(/^[0-9a-f]{32}$/)),
});

export async function readRegistration(filePath: string): Promise<HelperRegistration> {
  const read = await readTextFile(filePath, 64 * 1024);
  if (!read.exists) throw new Error(`the registration ${filePath} does not exist; register the MCP server again`);
  const parsed = RegistrationSchema.safeParse(JSON.parse(read.text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`the registration ${filePath} is invalid (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'})`);
  }
  return parsed.data as HelperRegistration;
}

export async function writeRegistration(filePath: string, registration: HelperRegistration): Promise<void> {
  await writeFileAtomic(filePath, `${JSON.stringify(registration, null, 2)}\n`, { mode: 0o600, forceMode: true, dirMode: 0o700 });
}
