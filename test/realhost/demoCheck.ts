// Checks the README's run command (`npm start` → scripts/demo.sh) end to end: it builds, starts
// the emulator and code-server with the extension installed from the fresh .vsix, prints the URL
// and the demo credentials; a browser opening that URL sees the 1Claw status bar item connected;
// Ctrl-C (SIGINT to its process group, as a terminal sends it) stops everything it started and
// removes its temporary directory. Artefacts: test-results/realhost/demo/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Artefacts } from './lib/artefacts';
import { loadPlaywright } from './lib/playwright';
import { freePort, groupAlive, spawnGroup, stopAll, waitFor, withTimeout, type Managed } from './lib/procs';
import { findInText, summarise } from './lib/scan';
import { openOneClawView, normalise, waitStatus } from './lib/ui';
import { makeDirs, startChromium, toolsFromEnv, type BrowserHandle } from './lib/workbench';

const REPO = path.resolve(__dirname, '..', '..', '..');
const OUT_DIR = path.join(REPO, 'test-results', 'realhost', 'demo');
const started = Date.now();

function log(message: string): void {
  process.stdout.write(`[npm start check +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const redact = (text: string) => text.replace(/\b(1ck|ocv)_[A-Za-z0-9_-]+/g, '$1_[redacted]').replace(/emu_admin_[A-Za-z0-9_-]+/g, 'emu_admin_[redacted]');

async function main(): Promise<void> {
  const tools = toolsFromEnv();
  const { chromium } = loadPlaywright();
  fs.rmSync(OUT_DIR, { recursive: true, force: true });
  const dirs = makeDirs(OUT_DIR);
  const outputFile = path.join(dirs.logs, 'demo-output.raw');
  const [editorPort, apiPort] = [await freePort(), await freePort()];
  const env = { ...process.env, ONECLAW_DEMO_PORT: String(editorPort), ONECLAW_DEMO_API_PORT: String(apiPort), NO_COLOR: '1' };
  log(`running scripts/demo.sh (code-server on ${editorPort}, emulator on ${apiPort})`);
  const demo: Managed = spawnGroup('scripts/demo.sh', 'bash', ['scripts/demo.sh'], { env, cwd: REPO, logFile: outputFile });
  const output = () => fs.readFileSync(outputFile, 'utf8').replace(/\u001b\[[0-9;]*m/g, '');
  let children: number[] = [];
  let browser: BrowserHandle | undefined;
  let demoExit: number | string | undefined;
  try {
    await waitFor('scripts/demo.sh to print the URL (it builds, packages and starts everything)', () => {
      if (demo.hasExited()) throw new Error(`scripts/demo.sh exited early:\n${redact(output()).slice(-3000)}`);
      return output().includes('Press Ctrl-C to stop.');
    }, 180_000, 500);
    const text = output();
    const url = /Open (http:\/\/127\.0\.0\.1:\d+\/) in your browser/.exec(text)?.[1];
    const pids = /code-server pid (\d+), emulator pid (\d+); logs in (\S+)/.exec(text);
    const adminToken = /X-Emulator-Admin: (emu_admin_[A-Za-z0-9_-]+)/.exec(text)?.[1];
    const humanKey = /Human key +(1ck_[A-Za-z0-9_-]+)/.exec(text)?.[1];
    assert.ok(url && pids && adminToken && humanKey, `the banner names the URL, the PIDs, the admin token and the human key:\n${redact(text)}`);
    assert.equal(url, `http://127.0.0.1:${editorPort}/`);
    children = [Number(pids[1]), Number(pids[2])];
    const workDir = pids[3]!;
    assert.ok(/Vault +coder-workspace [0-9a-f-]{36}/.test(text), 'the banner names the demo vault');
    log(`URL ${url}; code-server pid ${children[0]}, emulator pid ${children[1]}`);

    // The extension came from the .vsix, not from this folder.
    const installed = fs.readdirSync(path.join(workDir, 'extensions')).filter((name) => name.startsWith('1claw.vscode-1claw-'));
    assert.equal(installed.length, 1, `installed extensions: ${installed.join(', ')}`);

    const canaries = ((await (await fetch(`http://127.0.0.1:${apiPort}/__emulator/canaries`, { headers: { 'x-emulator-admin': adminToken } })).json()) as { canaries: string[] }).canaries;
    browser = await startChromium(chromium, tools, dirs, `http://127.0.0.1:${editorPort}`);
    const artefacts = new Artefacts(dirs, browser.page, () => canaries);
    await browser.page.goto(url, { timeout: 30_000, waitUntil: 'domcontentloaded' });
    const status = await waitStatus(browser.page, /1Claw: coder-workspace/, 60_000);
    await openOneClawView(browser.page);
    await waitFor('the demo vault in the 1Claw tree', async () => normalise(await browser!.page.locator('.monaco-list[aria-label="Vaults"] .monaco-list-row').first().innerText().catch(() => '')).startsWith('coder-workspace'), 30_000);
    await artefacts.capture('demo-connected');
    artefacts.write();
    assert.equal(artefacts.findings.length, 0, `leaks in the demo page: ${summarise(artefacts.findings)}`);
    log(`the workbench shows "${status}"`);
    await withTimeout('playwright to detach', browser.browser.close(), 10_000).catch(() => undefined);
    await browser.proc.stop();
    browser = undefined;

    // Ctrl-C: SIGINT to the script's process group, as a terminal does.
    process.kill(-demo.pid, 'SIGINT');
    demoExit = await withTimeout('scripts/demo.sh to stop after Ctrl-C', demo.exited, 30_000);
    const tailText = output().slice(-400);
    assert.equal(demoExit, 130, `exit status after Ctrl-C (output: ${redact(tailText)})`);
    assert.match(tailText, /stopped\./);
    for (const pid of children) assert.equal(alive(pid), false, `process ${pid} still runs after Ctrl-C`);
    for (const pid of children) assert.equal(groupAlive(pid), false, `process group ${pid} still has members after Ctrl-C`);
    assert.equal(fs.existsSync(workDir), false, `${workDir} was not removed`);
    const leaks = findInText(redact(output()), canaries, 'saved demo output');
    assert.equal(leaks.length, 0);
    log('Ctrl-C stopped code-server and the emulator and removed the temporary directory');
  } finally {
    fs.writeFileSync(path.join(dirs.logs, 'demo-output.log'), redact(output()));
    fs.rmSync(outputFile, { force: true });
    if (browser) await browser.proc.stop();
    if (!demo.hasExited()) {
      process.kill(-demo.pid, 'SIGTERM'); // its trap stops what it started
      await withTimeout('scripts/demo.sh to clean up', demo.exited, 20_000).catch(() => undefined);
    }
    // Last resort for processes the script started in their own sessions.
    for (const pid of children) {
      if (groupAlive(pid)) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    await stopAll();
  }
}

const watchdog = setTimeout(() => {
  log('FAIL: gave up after 240 s');
  void stopAll().finally(() => process.exit(1));
}, 240_000);

main()
  .then(() => {
    clearTimeout(watchdog);
    log(`PASS in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    process.exit(0);
  })
  .catch((error: unknown) => {
    clearTimeout(watchdog);
    log(`FAIL: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
