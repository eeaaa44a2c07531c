/**
 * Activates the real extension (src/extension.ts) in plain node with the vscode stub, a private
 * HOME and the ONECLAW_* variables pointing at an emulator; reads back what the editor would
 * show (status bar item, tree rows, context keys, notifications).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OneClawApi } from '../../src/editor/services';
import type { TreeNode } from '../../src/editor/vaultTree';
import type { Emulator } from '../emulator';
import { setEnvironment } from './environment';
import { fakeExtensionContext } from './fakeContext';
import * as stub from './vscode-stub';
import { VIEWS, type CommandId } from '../../src/views/ids';

export interface Activation {
  api: OneClawApi;
  home: string;
  secrets: ReturnType<typeof fakeExtensionContext>['secrets'];
  deactivate(): void;
}

export interface RenderedItem {
  label: string;
  description?: string;
  contextValue?: string;
  tooltip?: unknown;
}

export class EditorHarness {
  private readonly active: Activation[] = [];
  private readonly homes: string[] = [];
  private readonly savedEnv = { ...process.env };

  constructor(private readonly emulator: () => Emulator) {}

  async activate(env: Record<string, string>, options: { settings?: Record<string, unknown> } = {}): Promise<Activation> {
    stub.__reset();
    Object.assign(stub.__stub.config, options.settings ?? {});
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-editorux-'));
    this.homes.push(home);
    for (const key of Object.keys(process.env)) if (key.includes('ONECLAW')) delete process.env[key];
    Object.assign(process.env, { HOME: home, ONECLAW_BASE_URL: this.emulator().url, ONECLAW_MCP_URL: this.emulator().mcpUrl }, env);
    const extension = require('../../src/extension') as { activate(ctx: unknown): OneClawApi; deactivate(): void };
    const fake = fakeExtensionContext();
    const api = extension.activate(fake.context);
    const activation = { api, home, secrets: fake.secrets, deactivate: () => extension.deactivate() };
    this.active.push(activation);
    return activation;
  }

  /** Deactivate what was activated (afterEach). */
  deactivateAll(): void {
    for (const a of this.active.splice(0)) a.deactivate();
  }

  /** Restore the environment and remove the homes (after). */
  async dispose(): Promise<void> {
    this.deactivateAll();
    setEnvironment(this.savedEnv);
    // Work started before deactivation (a registration, a cache write) may still land: retry.
    for (const home of this.homes.splice(0)) await fs.rm(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }

  get statusItem(): Record<string, any> {
    return stub.__stub.statusBarItems[0] ?? {};
  }

  statusText(): string {
    return String(this.statusItem.text ?? '');
  }

  statusTooltip(): string {
    const tooltip = this.statusItem.tooltip as { value?: string } | string | undefined;
    return typeof tooltip === 'string' ? tooltip : String(tooltip?.value ?? '');
  }

  get tree(): { getChildren(n?: TreeNode): Promise<TreeNode[]>; getTreeItem(n: TreeNode): RenderedItem } {
    return stub.__stub.treeViews.get(VIEWS.vaults)!.provider;
  }

  get treeView(): Record<string, any> {
    return stub.__stub.treeViews.get(VIEWS.vaults)!.view;
  }

  run(command: CommandId, ...args: unknown[]): Promise<unknown> {
    return stub.commands.executeCommand(command, ...args);
  }

  /** The rows shown under the vault named `name`. */
  async rowsOf(name: string): Promise<RenderedItem[]> {
    const vault = (await this.tree.getChildren()).find((n) => n.kind === 'vault' && n.vault.name === name);
    if (!vault) throw new Error(`no vault row "${name}"`);
    return (await this.tree.getChildren(vault)).map((n) => this.tree.getTreeItem(n));
  }
}

/** Tooltip text of a tree item (string or MarkdownString). */
export function tooltipText(item: RenderedItem): string {
  const tooltip = item.tooltip as { value?: string } | string | undefined;
  return typeof tooltip === 'string' ? tooltip : String(tooltip?.value ?? '');
}
