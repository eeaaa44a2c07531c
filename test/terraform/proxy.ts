// A fault-injecting HTTP proxy in front of the emulator, for what the emulator's own faults
// cannot do: lose an answer AFTER the request was processed (the object exists, the client never
// hears of it), and answer 429 with a Retry-After HTTP date. Binds 127.0.0.1 only.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyRule {
  method: string;
  /** Matched against the path without the query. */
  path: RegExp;
  /** lose: forward, let the emulator process it, then close the client socket without answering. */
  action: { kind: 'lose' } | { kind: 'respond'; status: number; headers?: Record<string, string>; body?: string };
  count: number;
}

export class FaultProxy {
  url = '';
  readonly seen: { method: string; path: string; at: number; outcome: string }[] = [];
  private rules: ProxyRule[] = [];
  private readonly server: http.Server;

  constructor(private readonly upstream: string) {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  add(rule: ProxyRule): void {
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
    this.seen.length = 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private take(method: string, path: string): ProxyRule | undefined {
    const rule = this.rules.find((candidate) => candidate.count > 0 && candidate.method === method && candidate.path.test(path));
    if (rule !== undefined) rule.count -= 1;
    return rule;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const rule = this.take(method, path);
    const record = (outcome: string): void => void this.seen.push({ method, path, at: Date.now(), outcome });
    if (rule?.action.kind === 'respond') {
      const action = rule.action;
      req.resume();
      req.on('end', () => {
        record(`injected ${action.status}`);
        res.writeHead(action.status, { 'Content-Type': 'application/json', ...action.headers }).end(action.body ?? JSON.stringify({ title: 'injected', status: action.status }));
      });
      return;
    }
    const upstream = http.request(`${this.upstream}${req.url ?? '/'}`, { method, headers: req.headers }, (answer) => {
      if (rule?.action.kind === 'lose') {
        answer.resume();
        answer.on('end', () => {
          record(`lost ${answer.statusCode ?? 0}`);
          req.socket.destroy();
        });
        return;
      }
      record(String(answer.statusCode ?? 0));
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      record('upstream error');
      res.writeHead(502).end();
    });
    req.pipe(upstream);
  }
}
