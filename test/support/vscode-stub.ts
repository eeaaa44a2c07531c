/**
 * A small runtime stand-in for the `vscode` module, for unit tests of the thin editor layer in
 * plain node. It records what the extension asked the editor to do (commands, messages, log
 * lines, context keys) so tests can assert on it. The real editor is exercised by the
 * real-host suite; this stub only needs to be faithful enough for wiring.
 */

type Listener<T> = (value: T) => unknown;

export class Disposable {
  constructor(private readonly onDispose: () => void = () => undefined) {}
  static from(...items: Array<{ dispose(): unknown }>): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.onDispose();
  }
}

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>) => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}
export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}
export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}
export enum QuickPickItemKind {
  Separator = -1,
  Default = 0,
}
export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}

export class ThemeColor {
  constructor(readonly id: string) {}
}
export class ThemeIcon {
  static readonly Folder = new ThemeIcon('folder');
  static readonly File = new ThemeIcon('file');
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}
export class MarkdownString {
  constructor(
    public value = '',
    public supportThemeIcons = false,
  ) {}
}
export class TreeItem {
  id?: string;
  iconPath?: unknown;
  description?: string;
  tooltip?: unknown;
  contextValue?: string;
  command?: unknown;
  constructor(
    public label: string,
    public collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None,
  ) {}
}
export class Uri {
  private constructor(private readonly text: string) {}
  static parse(text: string): Uri {
    return new Uri(text);
  }
  static file(path: string): Uri {
    return new Uri(`file://${path}`);
  }
  toString(): string {
    return this.text;
  }
}
export class McpHttpServerDefinition {
  constructor(
    public label: string,
    public uri: Uri,
    public headers: Record<string, string> = {},
    public version?: string,
  ) {}
}

// ---- recorded state -------------------------------------------------------------------------

export interface StubState {
  commands: Map<string, (...args: any[]) => any>;
  executed: Array<{ command: string; args: unknown[] }>;
  context: Map<string, unknown>;
  /** Every notification or dialog: its text, the buttons offered (in order) and whether it was modal. */
  messages: Array<{ level: 'info' | 'warning' | 'error'; text: string; items?: unknown[]; modal?: boolean }>;
  log: Array<{ level: string; text: string }>;
  statusBarItems: Array<Record<string, any>>;
  treeViews: Map<string, { provider: any; options: any; view: Record<string, any> }>;
  mcpProviders: Map<string, any>;
  config: Record<string, unknown>;
  configListeners: Set<Listener<{ affectsConfiguration(section: string): boolean }>>;
  inputBoxAnswers: Array<string | undefined>;
  inputBoxes: Array<Record<string, any>>;
  messageAnswers: Array<string | undefined>;
  quickPickAnswers: unknown[];
  clipboard: string;
  opened: string[];
  appName: string;
}

export const __stub: StubState = freshState();

function freshState(): StubState {
  return {
    commands: new Map(),
    executed: [],
    context: new Map(),
    messages: [],
    log: [],
    statusBarItems: [],
    treeViews: new Map(),
    mcpProviders: new Map(),
    config: {},
    configListeners: new Set(),
    inputBoxAnswers: [],
    inputBoxes: [],
    messageAnswers: [],
    quickPickAnswers: [],
    clipboard: '',
    opened: [],
    appName: 'Visual Studio Code',
  };
}

/** Forget everything recorded, between tests. */
export function __reset(): void {
  Object.assign(__stub, freshState());
}

export const version = '1.101.0';

export const commands = {
  registerCommand(id: string, handler: (...args: any[]) => any): Disposable {
    if (__stub.commands.has(id)) throw new Error(`command '${id}' already exists`);
    __stub.commands.set(id, handler);
    return new Disposable(() => __stub.commands.delete(id));
  },
  async executeCommand(command: string, ...args: unknown[]): Promise<unknown> {
    __stub.executed.push({ command, args });
    if (command === 'setContext') {
      __stub.context.set(String(args[0]), args[1]);
      return undefined;
    }
    const handler = __stub.commands.get(command);
    return handler ? handler(...args) : undefined;
  },
  async getCommands(): Promise<string[]> {
    return [...__stub.commands.keys()];
  },
};

function message(level: 'info' | 'warning' | 'error') {
  return async (text: string, ...rest: unknown[]): Promise<string | undefined> => {
    const options = typeof rest[0] === 'object' && rest[0] !== null && !('title' in rest[0]) ? (rest.shift() as { modal?: boolean }) : undefined;
    __stub.messages.push({ level, text, items: rest, modal: options?.modal === true });
    return __stub.messageAnswers.shift();
  };
}

function logChannel(name: string) {
  const write = (level: string) => (text: string) => void __stub.log.push({ level, text });
  return {
    name,
    logLevel: 2,
    onDidChangeLogLevel: new EventEmitter<number>().event,
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    append: write('append'),
    appendLine: write('appendLine'),
    replace: write('replace'),
    clear: () => undefined,
    show: () => undefined,
    hide: () => undefined,
    dispose: () => undefined,
  };
}

export const window = {
  createOutputChannel: (name: string) => logChannel(name),
  createStatusBarItem(id?: string) {
    const item: Record<string, any> = { id, text: '', show: () => (item.visible = true), hide: () => (item.visible = false), dispose: () => (item.disposed = true) };
    __stub.statusBarItems.push(item);
    return item;
  },
  createTreeView(id: string, options: { treeDataProvider: unknown }) {
    const view: Record<string, any> = { dispose: () => undefined };
    __stub.treeViews.set(id, { provider: options.treeDataProvider, options, view });
    return view;
  },
  showInformationMessage: message('info'),
  showWarningMessage: message('warning'),
  showErrorMessage: message('error'),
  async showInputBox(options?: { validateInput?: (v: string) => unknown }): Promise<string | undefined> {
    const answer = __stub.inputBoxAnswers.shift();
    if (answer !== undefined && options?.validateInput && (await options.validateInput(answer))) return undefined;
    return answer;
  },
  /** An input box that, once shown, types the next scripted answer and presses Enter (or Escape for undefined). */
  createInputBox() {
    const changed = new EventEmitter<string>();
    const accepted = new EventEmitter<void>();
    const hidden = new EventEmitter<void>();
    const box: Record<string, any> = {
      value: '',
      onDidChangeValue: changed.event,
      onDidAccept: accepted.event,
      onDidHide: hidden.event,
      dispose: () => void (box.disposed = true),
      hide: () => {
        if (box.visible) {
          box.visible = false;
          hidden.fire();
        }
      },
      show: () => {
        box.visible = true;
        const answer = __stub.inputBoxAnswers.shift();
        setImmediate(() => {
          if (answer === undefined) return box.hide();
          box.value = answer;
          changed.fire(answer);
          accepted.fire();
          // A rejected value leaves the box open; the user then gives up.
          if (box.visible) box.hide();
        });
      },
    };
    __stub.inputBoxes.push(box);
    return box;
  },
  async showQuickPick(items: unknown): Promise<unknown> {
    void items;
    return __stub.quickPickAnswers.shift();
  },
  async withProgress<T>(_options: unknown, task: (progress: { report(v: unknown): void }) => Promise<T>): Promise<T> {
    return task({ report: () => undefined });
  },
  setStatusBarMessage: (text: string) => {
    __stub.messages.push({ level: 'info', text });
    return new Disposable();
  },
};

export const workspace = {
  getConfiguration(section?: string) {
    const prefix = section ? `${section}.` : '';
    return {
      get<T>(key: string, fallback?: T): T | undefined {
        const value = __stub.config[prefix + key];
        return (value === undefined ? fallback : value) as T | undefined;
      },
      async update(key: string, value: unknown): Promise<void> {
        __stub.config[prefix + key] = value;
        const event = { affectsConfiguration: (s: string) => (prefix + key).startsWith(s) };
        for (const l of __stub.configListeners) l(event);
      },
    };
  },
  onDidChangeConfiguration(listener: Listener<{ affectsConfiguration(section: string): boolean }>): Disposable {
    __stub.configListeners.add(listener);
    return new Disposable(() => __stub.configListeners.delete(listener));
  },
};

export const env = {
  get appName() {
    return __stub.appName;
  },
  uriScheme: 'vscode',
  clipboard: {
    async writeText(text: string) {
      __stub.clipboard = text;
    },
    async readText() {
      return __stub.clipboard;
    },
  },
  async openExternal(uri: Uri) {
    __stub.opened.push(uri.toString());
    return true;
  },
};

export const lm = {
  registerMcpServerDefinitionProvider(id: string, provider: unknown): Disposable {
    __stub.mcpProviders.set(id, provider);
    return new Disposable(() => __stub.mcpProviders.delete(id));
  },
};
