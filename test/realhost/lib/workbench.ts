// One real workbench: VS Code's server (code-server's bundled server-main.js, run by node 24)
// and headless Chromium on 127.0.0.1, each in its own process group and with HOME/XDG pointed at
// the scenario's own directories, so nothing is written to the real home directory and
// everything the product wrote stays available for leak scans.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Chromium, Page } from './playwright';
import { freePort, spawnGroup, waitFor, withTimeout, type Managed } from './procs';

export interface Tools {
  node24: string;
  serverMain: string;
  chromium: string;
}

/** The toolchain setup.sh installs, from the variables its env.sh exports; a missing piece is a clear error. */
export function toolsFromEnv(): Tools {
  const need = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run test/realhost/setup.sh and source the env.sh it writes (test/realhost/run.sh does both).`);
    if (!fs.existsSync(value)) throw new Error(`${name}=${value} does not exist: re-run test/realhost/setup.sh.`);
    return value;
  };
  return { node24: need('ONECLAW_NODE24'), serverMain: need('ONECLAW_VSCODE_SERVER_MAIN'), chromium: need('ONECLAW_CHROMIUM') };
}

export interface ScenarioDirs {
  root: string;
  home: string;
  xdgConfig: string;
  xdgCache: string;
  xdgData: string;
  tmp: string;
  /** --user-data-dir: the server keeps Machine settings, logs and User state here. */
  userData: string;
  serverData: string;
  extensions: string;
  workspace: string;
  chromeProfile: string;
  chromeHome: string;
  screens: string;
  dom: string;
  logs: string;
}

export function makeDirs(root: string): ScenarioDirs {
  const product = path.join(root, 'product');
  const dirs: ScenarioDirs = {
    root,
    home: path.join(product, 'home'),
    xdgConfig: path.join(product, 'xdg', 'config'),
    xdgCache: path.join(product, 'xdg', 'cache'),
    xdgData: path.join(product, 'xdg', 'data'),
    tmp: path.join(product, 'tmp'),
    userData: path.join(product, 'vscode-user-data'),
    serverData: path.join(product, 'vscode-server-data'),
    extensions: path.join(product, 'vscode-extensions'),
    workspace: path.join(product, 'workspace'),
    chromeProfile: path.join(product, 'chromium-profile'),
    chromeHome: path.join(product, 'chromium-home'),
    screens: path.join(root, 'screenshots'),
    dom: path.join(root, 'dom'),
    logs: path.join(root, 'logs'),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dirs;
}

/** The base environment of every process the runner starts: no inherited credentials, a private home. */
export function baseEnv(home: string, xdg: { config: string; cache: string; data: string }, tmp: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: home,
    XDG_CONFIG_HOME: xdg.config,
    XDG_CACHE_HOME: xdg.cache,
    XDG_DATA_HOME: xdg.data,
    TMPDIR: tmp,
  };
}

export interface ServerHandle {
  proc: Managed;
  port: number;
  origin: string;
}

/** Starts server-main.js with the smoke-test driver (needed for the extension-tests payload). */
export async function startServer(tools: Tools, dirs: ScenarioDirs, env: NodeJS.ProcessEnv): Promise<ServerHandle> {
  const port = await freePort();
  const args = [
    tools.serverMain,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--enable-smoke-test-driver',
    '--disable-telemetry',
    '--disable-workspace-trust',
    '--user-data-dir', dirs.userData,
    '--server-data-dir', dirs.serverData,
    '--extensions-dir', dirs.extensions,
  ];
  const proc = spawnGroup('vscode-server', tools.node24, args, { env, cwd: dirs.workspace, logFile: path.join(dirs.logs, 'vscode-server.log') });
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(`the VS Code server to answer on ${origin}`, async () => {
    if (proc.hasExited()) throw new Error(`the VS Code server exited early (${String(await proc.exited)}); see ${path.join(dirs.logs, 'vscode-server.log')}`);
    const response = await fetch(`${origin}/`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status === 200;
  }, 45_000, 200).catch(async (error: unknown) => {
    throw new Error(`${(error as Error).message}\n${tail(path.join(dirs.logs, 'vscode-server.log'))}`);
  });
  return { proc, port, origin };
}

export interface BrowserHandle {
  proc: Managed;
  browser: Browser;
  page: Page;
}

/**
 * Starts Debian's Chromium headless with a profile in the scenario directory and DevTools on a
 * port it picks, then attaches playwright-core over CDP. Name resolution is disabled for every
 * host but 127.0.0.1, so the page can reach nothing else.
 */
export async function startChromium(chromium: Chromium, tools: Tools, dirs: ScenarioDirs, origin: string): Promise<BrowserHandle> {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-domain-reliability',
    '--disable-client-side-phishing-detection',
    '--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider',
    '--no-pings',
    '--password-store=basic',
    '--use-mock-keychain',
    '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
    '--window-size=1280,800',
    '--remote-debugging-address=127.0.0.1',
    '--remote-debugging-port=0',
    `--user-data-dir=${dirs.chromeProfile}`,
    'about:blank',
  ];
  const tmp = socketSafeTmp(dirs.tmp);
  const env = baseEnv(dirs.chromeHome, { config: path.join(dirs.chromeHome, '.config'), cache: path.join(dirs.chromeHome, '.cache'), data: path.join(dirs.chromeHome, '.local', 'share') }, tmp);
  const proc = spawnGroup('chromium', tools.chromium, args, { env, logFile: path.join(dirs.logs, 'chromium.log') });
  if (tmp !== dirs.tmp) void proc.exited.then(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const portFile = path.join(dirs.chromeProfile, 'DevToolsActivePort');
  const cdpPort = await waitFor('Chromium to open its DevTools port', () => {
    if (proc.hasExited()) throw new Error(`Chromium exited early; see ${path.join(dirs.logs, 'chromium.log')}`);
    if (!fs.existsSync(portFile)) return undefined;
    const first = fs.readFileSync(portFile, 'utf8').split('\n')[0]?.trim();
    return first && /^\d+$/.test(first) ? first : undefined;
  }, 30_000, 100).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${tail(path.join(dirs.logs, 'chromium.log'))}`);
  });
  const browser = await withTimeout('playwright to attach to Chromium', chromium.connectOverCDP(`http://127.0.0.1:${cdpPort}`, { timeout: 20_000 }), 25_000);
  const context = browser.contexts()[0];
  if (!context) throw new Error('Chromium has no default browser context');
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.setViewportSize({ width: 1280, height: 800 });
  page.setDefaultTimeout(15_000);
  return { proc, browser, page };
}

/**
 * Chromium binds $TMPDIR/org.chromium.Chromium.XXXXXX/SingletonSocket, and a Unix socket path holds
 * at most 107 bytes: in a deep checkout it gets a short folder in the tools cache instead (removed
 * when it exits), or it dies at start ("Socket path too long").
 */
function socketSafeTmp(tmp: string): string {
  if (Buffer.byteLength(path.join(tmp, 'org.chromium.Chromium.XXXXXX', 'SingletonSocket')) <= 107) return tmp;
  const tools = process.env.ONECLAW_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'oneclaw-realhost');
  fs.mkdirSync(path.join(tools, 'tmp'), { recursive: true, mode: 0o700 });
  return fs.mkdtempSync(path.join(tools, 'tmp', 'c-'));
}

/** Workbench URL that loads the extension from its folder and runs the in-host suite. */
export function workbenchUrl(origin: string, port: number, folder: string, extensionDir: string, testsPath?: string): string {
  const authority = `127.0.0.1:${port}`;
  const payload: Array<[string, string]> = [['extensionDevelopmentPath', `vscode-remote://${authority}${extensionDir}`]];
  if (testsPath) payload.push(['extensionTestsPath', `vscode-remote://${authority}${testsPath}`]);
  return `${origin}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export function tail(file: string, lines = 30): string {
  try {
    const text = fs.readFileSync(file, 'utf8').split('\n');
    return `---- last ${lines} lines of ${file} ----\n${text.slice(-lines).join('\n')}`;
  } catch {
    return `(no ${file})`;
  }
}
