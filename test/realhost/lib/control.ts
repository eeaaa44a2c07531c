// The runner's control endpoint on 127.0.0.1, used by the in-host suite:
//  * POST /checkpoint {name, args}: the runner does the UI part of a step (page clicks, DOM
//    checks, screenshots) while the suite waits, and answers {ok, result} or {ok:false, error};
//  * POST /report {...}: mocha events, so the runner can print results even if the editor's
//    console forwarding loses them;
//  * /mcp: a transparent recording proxy to the emulator's MCP endpoint. It keeps what the
//    editor sent (credential kind, JWT claims, X-Vault-ID) — never the credential itself — so the
//    suite can prove the provider's resolve handed out a fresh agent JWT;
//  * GET /mcp-seen: those records.
// Every request needs the X-Runner-Token header.
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';

export interface McpSeen {
  at: number;
  method: string;
  credential: 'jwt' | 'ocv' | 'human' | 'other' | 'none';
  /** Decoded (unverified) claims of the JWT, without the signature. */
  claims?: { sub?: unknown; iat?: unknown; exp?: unknown; vault_ids?: unknown; jtiHash?: string };
  /** First 12 hex chars of sha256(credential): tells tokens apart without keeping them. */
  credentialHash: string;
  vaultHeader: string | undefined;
  status: number;
}

export type CheckpointHandler = (args: Record<string, unknown>) => Promise<unknown>;

export interface ReportEvent {
  event: string;
  title?: string;
  error?: string;
  durationMs?: number;
  passes?: number;
  failures?: number;
}

export class ControlServer {
  readonly token = randomBytes(24).toString('hex');
  url = '';
  private server: http.Server | undefined;
  private handlers = new Map<string, CheckpointHandler>();
  private queue: Promise<unknown> = Promise.resolve();
  readonly mcpSeen: McpSeen[] = [];
  readonly reports: ReportEvent[] = [];
  readonly checkpointLog: Array<{ name: string; ok: boolean; ms: number; error?: string }> = [];
  onReport: (event: ReportEvent) => void = () => undefined;

  constructor(private readonly mcpTarget: () => string | undefined) {}

  setHandlers(handlers: Record<string, CheckpointHandler>): void {
    this.handlers = new Map(Object.entries(handlers));
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    const address = this.server.address();
    if (typeof address !== 'object' || !address) throw new Error('control server has no address');
    this.url = `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      if (url.pathname === '/mcp' || url.pathname.startsWith('/mcp/')) {
        await this.proxyMcp(req, res, url);
        return;
      }
      if (req.headers['x-runner-token'] !== this.token) return reply(res, 401, { ok: false, error: 'bad runner token' });
      if (req.method === 'POST' && url.pathname === '/checkpoint') {
        const body = (await readJson(req)) as { name?: unknown; args?: unknown };
        const name = String(body.name);
        const args = (typeof body.args === 'object' && body.args !== null ? body.args : {}) as Record<string, unknown>;
        const outcome = await this.runCheckpoint(name, args);
        return reply(res, 200, outcome);
      }
      if (req.method === 'POST' && url.pathname === '/report') {
        const event = (await readJson(req)) as ReportEvent;
        this.reports.push(event);
        this.onReport(event);
        return reply(res, 200, { ok: true });
      }
      if (req.method === 'GET' && url.pathname === '/mcp-seen') return reply(res, 200, { ok: true, seen: this.mcpSeen });
      return reply(res, 404, { ok: false, error: `no route ${req.method} ${url.pathname}` });
    } catch (error) {
      if (!res.headersSent) reply(res, 500, { ok: false, error: error instanceof Error ? error.message : String(error) });
      else res.destroy();
    }
  }

  /** Checkpoints run one at a time, in arrival order. */
  private runCheckpoint(name: string, args: Record<string, unknown>): Promise<{ ok: boolean; result?: unknown; error?: string }> {
    const run = async () => {
      const handler = this.handlers.get(name);
      const started = Date.now();
      if (!handler) {
        this.checkpointLog.push({ name, ok: false, ms: 0, error: 'unknown checkpoint' });
        return { ok: false, error: `the runner has no checkpoint "${name}"` };
      }
      try {
        const result = await handler(args);
        this.checkpointLog.push({ name, ok: true, ms: Date.now() - started });
        return { ok: true, result };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.checkpointLog.push({ name, ok: false, ms: Date.now() - started, error: message });
        return { ok: false, error: message };
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async proxyMcp(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const target = this.mcpTarget();
    if (!target) return reply(res, 503, { error: 'no MCP target' });
    const record = describeCredential(req.headers);
    const seen: McpSeen = { at: Date.now(), method: req.method ?? 'GET', ...record, vaultHeader: headerOf(req.headers['x-vault-id']), status: 0 };
    this.mcpSeen.push(seen);
    const upstream = new URL(target);
    upstream.search = url.search;
    const headers = { ...req.headers, host: upstream.host };
    await new Promise<void>((resolve) => {
      const forward = http.request(upstream, { method: req.method, headers }, (answer) => {
        seen.status = answer.statusCode ?? 0;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', () => resolve());
      });
      forward.setTimeout(30_000, () => forward.destroy(new Error('upstream timeout')));
      forward.on('error', (error) => {
        if (!res.headersSent) reply(res, 502, { error: error.message });
        else res.destroy();
        resolve();
      });
      req.pipe(forward);
    });
  }
}

function describeCredential(headers: http.IncomingHttpHeaders): Pick<McpSeen, 'credential' | 'claims' | 'credentialHash'> {
  const raw = headerOf(headers.authorization);
  const credential = raw === undefined ? undefined : /^Bearer\s+(\S+)$/i.exec(raw)?.[1];
  if (credential === undefined) return { credential: raw === undefined ? 'none' : 'other', credentialHash: '' };
  const credentialHash = createHash('sha256').update(credential).digest('hex').slice(0, 12);
  if (credential.startsWith('ocv_')) return { credential: 'ocv', credentialHash };
  if (credential.startsWith('1ck_')) return { credential: 'human', credentialHash };
  const parts = credential.split('.');
  if (parts.length === 3) {
    try {
      const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      const jti = typeof payload.jti === 'string' ? createHash('sha256').update(payload.jti).digest('hex').slice(0, 12) : undefined;
      return { credential: 'jwt', credentialHash, claims: { sub: payload.sub, iat: payload.iat, exp: payload.exp, vault_ids: payload.vault_ids, jtiHash: jti } };
    } catch {
      return { credential: 'other', credentialHash };
    }
  }
  return { credential: 'other', credentialHash };
}

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : {};
}
