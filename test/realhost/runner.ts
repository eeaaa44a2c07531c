// The real-host runner: for each scenario it starts a fresh 1Claw emulator (demo seed), VS Code's
// server (code-server's bundled server-main.js on node 24) with the ONECLAW_* variables pointing
// at the emulator, and headless Chromium; opens the workbench with the extension loaded from
// this repository and the in-host mocha suite as extensionTestsPath; does the page-side steps
// the suite asks for (checkpoints); and collects artefacts under test-results/realhost/.
// It stops every process it started (by process-group id) even on failure, gives up after
// bounded waits, and exits non-zero on any failure. Usage (after setup.sh's env.sh is sourced):
//   node out/test/realhost/runner.js [agent] [bootstrap] [signin] [keys]
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { startEmulator } from '../emulator/index';
import type { Emulator } from '../emulator/types';
import { Artefacts } from './lib/artefacts';
import { ControlServer, type ReportEvent } from './lib/control';
import { loadPlaywright, type Chromium } from './lib/playwright';
import { groupAlive, groupMembers, killAllNow, stopAll, withTimeout } from './lib/procs';
import { startPsSampler, type PsSampler } from './lib/psSampler';
import { canaryKind, findInText, scanFiles, summarise, type Finding } from './lib/scan';
import { baseEnv, makeDirs, startChromium, startServer, tail, toolsFromEnv, workbenchUrl, type BrowserHandle, type ScenarioDirs, type ServerHandle, type Tools } from './lib/workbench';
import { keysCheckpoints, signinCheckpoints } from './identityScenarios';
import type { CheckpointHandler } from './lib/control';
import { agentCheckpoints, bootstrapCheckpoints, dialogScenario, type ScenarioContext } from './scenarios';

const REPO = path.resolve(__dirname, '..', '..', '..');
const RESULTS = path.join(REPO, 'test-results', 'realhost');
const SUITE_INDEX = path.join(REPO, 'out', 'test', 'realhost', 'inhost', 'index');
const SCENARIO_TIMEOUT_MS = Number(process.env.ONECLAW_REALHOST_SCENARIO_TIMEOUT ?? 150) * 1000;
const GLOBAL_TIMEOUT_MS = Number(process.env.ONECLAW_REALHOST_TIMEOUT ?? 600) * 1000;
const SCENARIOS = ['agent', 'bootstrap', 'dialog', 'signin', 'keys'] as const;
type ScenarioName = (typeof SCENARIOS)[number];

const started = Date.now();
function log(message: string): void {
  process.stdout.write(`[realhost +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
}

interface ScenarioResult {
  name: ScenarioName;
  ok: boolean;
  exitCode: number | undefined;
  seconds: number;
  tests: { passed: number; failed: number };
  failures: string[];
  checkpoints: Array<{ name: string; ok: boolean; ms: number; error?: string }>;
  artefacts: string;
}

/** Every credential and secret value of every emulator started in this run. */
const allCanaries = new Set<string>();
const emulators: Emulator[] = [];

async function runScenario(name: ScenarioName, tools: Tools, chromium: Chromium, control: ControlServer, readmeScreenshot: string | undefined): Promise<ScenarioResult> {
  const scenarioStart = Date.now();
  const failures: string[] = [];
  const dirs = makeDirs(path.join(RESULTS, name));
  const emulatorLog = fs.createWriteStream(path.join(dirs.logs, 'emulator-requests.log'));
  const emulator = await startEmulator({ seed: 'demo', log: (line) => emulatorLog.write(`${new Date().toISOString()} ${line}\n`) });
  emulators.push(emulator);
  const demo = emulator.demo!;
  const canaries = () => {
    const list = emulator.canaries();
    for (const canary of list) allCanaries.add(canary);
    return list;
  };
  canaries();
  currentMcpTarget = emulator.mcpUrl;
  log(`${name}: emulator on ${emulator.url}`);

  // Machine settings: the remote's settings file (machine-scoped settings cannot come from the browser).
  fs.mkdirSync(path.join(dirs.userData, 'Machine'), { recursive: true });
  fs.writeFileSync(
    path.join(dirs.userData, 'Machine', 'settings.json'),
    `${JSON.stringify({ 'oneclaw.token.refreshMarginSeconds': 5, 'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'update.mode': 'none', 'telemetry.telemetryLevel': 'off', 'git.openRepositoryInParentFolders': 'never' }, null, 2)}\n`,
  );

  const env: NodeJS.ProcessEnv = {
    ...baseEnv(dirs.home, { config: dirs.xdgConfig, cache: dirs.xdgCache, data: dirs.xdgData }, dirs.tmp),
    // Nothing the server or the extension host starts may reach beyond 127.0.0.1.
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
    ONECLAW_BASE_URL: emulator.url,
    // Through the runner's recording proxy, which keeps what the editor sent (never the token).
    ONECLAW_MCP_URL: `${control.url}/mcp`,
    ONECLAW_TEST_SCENARIO: name,
    ONECLAW_TEST_RUNNER_URL: control.url,
    ONECLAW_TEST_RUNNER_TOKEN: control.token,
    ONECLAW_TEST_EMULATOR_URL: emulator.url,
    ONECLAW_TEST_EMULATOR_ADMIN: emulator.adminToken,
  };
  if (name === 'agent' || name === 'dialog') {
    // AI clients "installed" here (their config directories exist): Claude Code, Codex, OpenCode,
    // Qwen Code. The MCP Clients view shows them registered and the ten others not present.
    for (const dir of [path.join(dirs.home, '.claude'), path.join(dirs.home, '.codex'), path.join(dirs.xdgConfig, 'opencode'), path.join(dirs.home, '.qwen')]) fs.mkdirSync(dir, { recursive: true });
    env.ONECLAW_AGENT_API_KEY = demo.agentKey;
    env.ONECLAW_VAULT_ID = demo.vaultId;
    env.ONECLAW_AGENT_ID = demo.agentId;
  } else if (name === 'bootstrap') {
    env._ONECLAW_HUMAN_API_KEY = demo.humanKey;
  } else if (name === 'keys') {
    // No credential at all: the suite gets only the id of the vault it will name.
    env.ONECLAW_TEST_DEMO_VAULT_ID = demo.vaultId;
  }

  let server: ServerHandle | undefined;
  let browser: BrowserHandle | undefined;
  let typedByTest: Finding[] = [];
  let exitCode: number | undefined;
  const tests = { passed: 0, failed: 0 };
  const hostLog = fs.createWriteStream(path.join(dirs.logs, 'extension-host-console.log'));
  const pageLog = fs.createWriteStream(path.join(dirs.logs, 'page-console.log'));
  control.onReport = (event: ReportEvent) => {
    if (event.event === 'pass') tests.passed += 1;
    if (event.event === 'fail') {
      tests.failed += 1;
      log(`${name}: ✗ ${event.title}\n${indent(event.error ?? '')}`);
    } else if (event.event === 'pass') log(`${name}: ✓ ${event.title} (${event.durationMs ?? 0} ms)`);
  };
  control.checkpointLog.length = 0;

  try {
    server = await startServer(tools, dirs, env);
    log(`${name}: VS Code server (pid ${server.proc.pid}) on ${server.origin}`);
    browser = await startChromium(chromium, tools, dirs, server.origin);
    log(`${name}: Chromium (pid ${browser.proc.pid}) attached`);
    const page = browser.page;
    const artefacts = new Artefacts(dirs, page, canaries);
    const ctx: ScenarioContext = { page, emulator, artefacts, readmeScreenshot: name === 'agent' ? readmeScreenshot : undefined, screenshotsDir: readmeScreenshot ? path.dirname(readmeScreenshot) : undefined };
    const handlers = { agent: agentCheckpoints, bootstrap: bootstrapCheckpoints, dialog: (): Record<string, CheckpointHandler> => ({}), signin: signinCheckpoints, keys: keysCheckpoints }[name](ctx);
    // A failed page step leaves a screenshot and DOM dump of what the page showed.
    control.setHandlers(
      Object.fromEntries(
        Object.entries(handlers).map(([checkpoint, handler]) => [
          checkpoint,
          async (args: Record<string, unknown>) => {
            try {
              return await handler(args);
            } catch (error) {
              await artefacts.capture(`FAILED-${checkpoint}`).catch(() => undefined);
              throw new Error(conciseError(error), { cause: error });
            }
          },
        ]),
      ),
    );

    page.on('console', (message) => pageLog.write(`${message.type()} ${message.text()}\n`));
    page.on('pageerror', (error) => pageLog.write(`pageerror ${error.message}\n`));
    let resolveExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationLog', (level: string, args: unknown) => {
      const line = Array.isArray(args) ? util.format(...(args as unknown[])) : String(args);
      hostLog.write(`${level} ${line}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number, logs: unknown) => {
      saveAutomationLogs(dirs, logs);
      resolveExit(Number(code));
    });
    // The dialog scenario runs without extension tests: only then does the workbench show modal dialogs.
    const pageOnly = name === 'dialog';
    const url = workbenchUrl(server.origin, server.port, dirs.workspace, REPO, pageOnly ? undefined : SUITE_INDEX);
    log(`${name}: opening the workbench and ${pageOnly ? 'driving it from the page' : 'running the in-host suite'}`);
    await page.goto(url, { timeout: 30_000, waitUntil: 'domcontentloaded' });
    const serverDied = server.proc.exited.then((code) => {
      throw new Error(`the VS Code server exited during the suite (${String(code)})`);
    });
    if (pageOnly) {
      const steps = await withTimeout(`the page-driven scenario (${SCENARIO_TIMEOUT_MS / 1000} s)`, Promise.race([dialogScenario(ctx), serverDied]), SCENARIO_TIMEOUT_MS).catch(async (error: unknown) => {
        await artefacts.capture('FAILED-dialog').catch(() => undefined);
        tests.failed += 1;
        log(`${name}: ✗ ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      });
      for (const step of steps ?? []) log(`${name}: ✓ ${step}`);
      tests.passed += steps?.length ?? 0;
      exitCode = steps ? 0 : 1;
    } else exitCode = await withTimeout(`the in-host suite to finish (${SCENARIO_TIMEOUT_MS / 1000} s)`, Promise.race([exited, serverDied]), SCENARIO_TIMEOUT_MS);
    log(`${name}: ${pageOnly ? 'page-driven scenario' : 'in-host suite'} exited with code ${exitCode} (${tests.passed} passed, ${tests.failed} failed)`);
    if (exitCode !== 0) failures.push(`the in-host suite exited with code ${exitCode}`);
    artefacts.write();
    typedByTest = artefacts.typedByTest;
    failures.push(...artefacts.findings.map((f) => `${f.kind} found in ${f.where}`));
    const notificationFindings = findInText([...artefacts.notifications].join('\n'), canaries(), 'notifications');
    failures.push(...notificationFindings.map((f) => `${f.kind} found in ${f.where}`));
  } catch (error) {
    failures.push(error instanceof Error ? error.message : String(error));
    log(`${name}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    if (browser) await browser.page.screenshot({ path: path.join(dirs.screens, 'failure.png'), timeout: 5000 }).catch(() => undefined);
  } finally {
    for (const checkpoint of control.checkpointLog) if (!checkpoint.ok) failures.push(`page checkpoint "${checkpoint.name}" failed: ${checkpoint.error}`);
    control.setHandlers({});
    if (browser) await withTimeout('playwright to detach', browser.browser.close(), 10_000).catch(() => undefined);
    for (const proc of [browser?.proc, server?.proc]) {
      if (!proc) continue;
      await proc.stop();
      if (groupAlive(proc.pid)) failures.push(`process group ${proc.pid} (${proc.name}) survived SIGKILL: ${groupMembers(proc.pid).join('; ')}`);
    }
    await emulator.close();
    emulators.splice(emulators.indexOf(emulator), 1);
    await Promise.all([endStream(emulatorLog), endStream(hostLog), endStream(pageLog)]);
  }

  // The 1Claw output channel as the server wrote it.
  const outputLog = findOutputChannelLog(dirs);
  if (!outputLog) failures.push(`no 1Claw output channel log under ${dirs.userData}/logs`);
  else {
    fs.copyFileSync(outputLog, path.join(dirs.root, 'output-1claw.log'));
    const text = fs.readFileSync(outputLog, 'utf8');
    if (!/starting in code-server/.test(text)) failures.push('the 1Claw output channel log lacks the start-up line');
  }
  // Everything this scenario wrote (product files, logs, DOM dumps): no secret value anywhere,
  // and no credential except the bootstrap cache file's agent key and the headers helper's token.
  const scan = scanFiles(dirs.root, canaries());
  // The bootstrap cache is where the agent key is meant to be (0600; asserted in-host); the token
  // cache the extension keeps for Claude Code's headers helper holds a token, in a 0600 file.
  const tokenCache = /^product\/home\/\.1claw\/run\/mcp-token-1claw-[0-9a-f]{12}$/;
  const mode = (where: string) => fs.statSync(path.join(dirs.root, where)).mode & 0o777;
  const allowed = (finding: Finding) =>
    (name !== 'agent' && finding.kind === 'agent key' && finding.where === path.join('product', 'home', '.1claw', 'agent.json') && mode(finding.where) === 0o600) ||
    (finding.kind === 'JWT' && tokenCache.test(finding.where) && mode(finding.where) === 0o600);
  const leaks = scan.findings.filter((finding) => !allowed(finding));
  fs.writeFileSync(path.join(dirs.root, 'leak-scan.json'), `${JSON.stringify({ files: scan.files, canaries: canaries().length, findings: scan.findings, allowed: scan.findings.filter(allowed), typedByTestInLiveInputValues: typedByTest }, null, 2)}\n`);
  if (leaks.length > 0) failures.push(`leaks in files: ${summarise(leaks)}`);
  log(`${name}: scanned ${scan.files} files for ${canaries().length} canaries: ${leaks.length === 0 ? 'clean' : summarise(leaks)}${scan.findings.length > leaks.length ? ` (allowed: ${summarise(scan.findings.filter(allowed))})` : ''}`);

  const result: ScenarioResult = {
    name,
    ok: failures.length === 0,
    exitCode,
    seconds: (Date.now() - scenarioStart) / 1000,
    tests,
    failures: [...new Set(failures)],
    checkpoints: [...control.checkpointLog],
    artefacts: path.relative(REPO, dirs.root),
  };
  if (!result.ok && server) log(tail(path.join(dirs.logs, 'vscode-server.log'), 15));
  return result;
}

let currentMcpTarget: string | undefined;

function saveAutomationLogs(dirs: ScenarioDirs, logs: unknown): void {
  if (!Array.isArray(logs)) return;
  const root = path.join(dirs.logs, 'automation-exit');
  for (const entry of logs as Array<{ relativePath?: unknown; contents?: unknown }>) {
    const relative = String(entry.relativePath ?? 'unnamed.log').replace(/\.\.+/g, '_');
    const target = path.join(root, relative);
    if (!target.startsWith(root)) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, String(entry.contents ?? ''));
  }
}

function findOutputChannelLog(dirs: ScenarioDirs): string | undefined {
  const logsRoot = path.join(dirs.userData, 'logs');
  if (!fs.existsSync(logsRoot)) return undefined;
  for (const session of fs.readdirSync(logsRoot)) {
    const sessionDir = path.join(logsRoot, session);
    for (const host of fs.existsSync(sessionDir) ? fs.readdirSync(sessionDir) : []) {
      const candidate = path.join(sessionDir, host, '1claw.vscode-1claw', '1Claw.log');
      if (host.startsWith('exthost') && fs.existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Playwright errors carry ANSI colours and a long call log: keep the first lines, plain. */
function conciseError(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\u001b\[[0-9;]*m/g, '');
  const cut = text.indexOf('Call log:');
  return (cut >= 0 ? text.slice(0, cut) : text).trim().split('\n').slice(0, 4).join(' / ');
}

function endStream(stream: fs.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.end(() => resolve()));
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
}

async function main(): Promise<number> {
  const chosen = process.argv.slice(2);
  for (const name of chosen) if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`unknown scenario "${name}" (known: ${SCENARIOS.join(', ')})`);
  const scenarios = (chosen.length > 0 ? chosen : [...SCENARIOS]) as ScenarioName[];
  const tools = toolsFromEnv();
  const { chromium, version } = loadPlaywright();
  if (!fs.existsSync(`${SUITE_INDEX}.js`)) throw new Error(`${SUITE_INDEX}.js is missing: run "npx tsc -p test/tsconfig.json" first.`);
  if (!fs.existsSync(path.join(REPO, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run "node scripts/build.mjs" first.');
  fs.rmSync(RESULTS, { recursive: true, force: true });
  fs.mkdirSync(RESULTS, { recursive: true });
  log(`VS Code ${process.env.ONECLAW_VSCODE_VERSION ?? '?'} (server-main), playwright-core ${version}, scenarios: ${scenarios.join(', ')}`);

  const readmeScreenshot = process.env.ONECLAW_REALHOST_UPDATE_SCREENSHOT === '1' ? path.join(REPO, 'media', 'screenshots', 'connected.png') : undefined;
  if (readmeScreenshot) fs.mkdirSync(path.dirname(readmeScreenshot), { recursive: true });

  const sampler: PsSampler = startPsSampler(path.join(RESULTS, 'ps-samples.txt'));
  const control = new ControlServer(() => currentMcpTarget);
  await control.start();
  const results: ScenarioResult[] = [];
  try {
    for (const name of scenarios) results.push(await runScenario(name, tools, chromium, control, readmeScreenshot));
  } finally {
    await sampler.stop();
    await control.close();
  }

  // No credential or secret value of any emulator may appear in any process's command line.
  const psText = fs.readFileSync(path.join(RESULTS, 'ps-samples.txt'), 'utf8');
  const psFindings = findInText(psText, [...allCanaries], 'ps samples (process command lines)');
  const globalFailures = psFindings.map((f) => `${f.kind} found in ${f.where}`);
  log(`ps: ${sampler.samples()} samples, ${psFindings.length === 0 ? 'no credential in any command line' : summarise(psFindings)}`);

  const ok = globalFailures.length === 0 && results.every((r) => r.ok);
  const summary = { ok, seconds: (Date.now() - started) / 1000, scenarios: results, failures: globalFailures, psSamples: sampler.samples(), canaryKinds: countKinds([...allCanaries]) };
  fs.writeFileSync(path.join(RESULTS, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  for (const result of results) {
    log(`${result.ok ? 'PASS' : 'FAIL'} ${result.name}: ${result.tests.passed} in-host tests passed, ${result.tests.failed} failed, ${result.checkpoints.length} page checkpoints, ${result.seconds.toFixed(1)} s`);
    for (const failure of result.failures) log(`     - ${failure}`);
  }
  for (const failure of globalFailures) log(`FAIL ${failure}`);
  log(`${ok ? 'PASS' : 'FAIL'}: real-host suite in ${summary.seconds.toFixed(1)} s; artefacts in ${path.relative(REPO, RESULTS)}/`);
  return ok ? 0 : 1;
}

function countKinds(list: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const canary of list) counts[canaryKind(canary)] = (counts[canaryKind(canary)] ?? 0) + 1;
  return counts;
}

async function cleanup(): Promise<void> {
  await stopAll();
  await Promise.all(emulators.map((e) => e.close().catch(() => undefined)));
}

const watchdog = setTimeout(() => {
  log(`FAIL: gave up after ${GLOBAL_TIMEOUT_MS / 1000} s (ONECLAW_REALHOST_TIMEOUT); stopping everything`);
  void cleanup().finally(() => process.exit(1));
}, GLOBAL_TIMEOUT_MS);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`received ${signal}; stopping everything`);
    void cleanup().finally(() => process.exit(130));
  });
}
process.on('exit', () => killAllNow());

main()
  .then(async (code) => {
    clearTimeout(watchdog);
    await cleanup();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    clearTimeout(watchdog);
    log(`FAIL: ${error instanceof Error ? error.message : String(error)}`);
    await cleanup();
    process.exit(1);
  });
