/** An ExtensionContext good enough for activate() in plain node: in-memory secrets and state. */
import * as path from 'node:path';
import type { ClientContext } from '../../src/mcp/clients/client';
import { silentLogger } from '../../src/util/log';

export class MemorySecrets {
  readonly values = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
  onDidChange = () => ({ dispose: () => undefined });
}

export class MemoryMemento {
  readonly values = new Map<string, unknown>();
  get<T>(key: string, fallback?: T): T | undefined {
    return (this.values.has(key) ? this.values.get(key) : fallback) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
  }
  keys(): string[] {
    return [...this.values.keys()];
  }
}

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export function fakeExtensionContext(): { context: any; secrets: MemorySecrets; globalState: MemoryMemento; subscriptions: Array<{ dispose(): unknown }> } {
  const secrets = new MemorySecrets();
  const globalState = new MemoryMemento();
  const subscriptions: Array<{ dispose(): unknown }> = [];
  const packageJSON = require(path.join(repoRoot, 'package.json'));
  const context = {
    subscriptions,
    secrets,
    globalState,
    workspaceState: new MemoryMemento(),
    extensionPath: repoRoot,
    extension: { packageJSON, id: `${packageJSON.publisher}.${packageJSON.name}` },
  };
  return { context, secrets, globalState, subscriptions };
}

/** The `oneclaw` CLI bundle `npm run build` writes (the headers helper runs it). */
export const cliBundle = path.join(repoRoot, 'dist', 'oneclaw.js');

/** The Node a helper wrapper written by the tests runs: this one. */
export const testNode = { path: process.execPath, electron: false };

/** What a client registration needs in a test: this home, the built CLI, this node, never a `claude` binary. */
export function testClientContext(home: string, overrides: Partial<ClientContext> = {}): ClientContext {
  return { env: {}, home, serverName: '1claw', style: 'fresh', cliSource: cliBundle, logger: silentLogger, claudeBinary: null, node: testNode, ...overrides };
}

/** For suites that never revoke: a cleanup that finds nothing to clean. */
export const noCleanup = {
  removeEverywhere: async () => ({ removed: [] as string[], problems: [] as string[] }),
  filesContaining: async () => [] as string[],
  cachedTokens: async () => [] as string[],
};
