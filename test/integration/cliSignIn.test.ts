/**
 * The `oneclaw` bundle's ways in without a human key, as a child process against the emulator:
 * `bootstrap --device` and the start script's device sign-in (the code and URL in one block,
 * bounded by wait_seconds, the session revoked), `use-key` (key on standard input only) and
 * `request-access`.
 */
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../emulator';
import { runOneclaw } from '../support/cli';
import { cliBundle } from '../support/fakeContext';

describe('the oneclaw CLI: device sign-in, existing key, access request', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let demo: NonNullable<Emulator['demo']>;
  let home: string;
  let approver: NodeJS.Timeout | undefined;

  before(async () => {
    assert.ok(existsSync(cliBundle), 'dist/oneclaw.js is missing: run npm run build');
    emulator = await startEmulator({ seed: 'demo', switches: { deviceCodeIntervalSeconds: 1, deviceCodeExpiresInSeconds: 120 } });
    demo = emulator.demo!;
  });
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-cli-device-'));
  });
  afterEach(async () => {
    if (approver) clearInterval(approver);
    approver = undefined;
    await fs.rm(home, { recursive: true, force: true });
  });
  after(() => emulator?.close());

  const config = async (device: { enabled: boolean; wait_seconds: number }) => {
    const file = path.join(home, 'config.json');
    await fs.writeFile(file, JSON.stringify({ api_base_url: emulator.url, mcp_url: emulator.mcpUrl, server_name: '1claw', clients: ['cursor'], credential_style: 'fresh', vault_name: 'coder-workspace', agent_name: `device-${path.basename(home)}`, policy_path: '**', permissions: ['read'], token_ttl_seconds: 3600, owner_marker: `coder-workspace:${path.basename(home)}`, device_sign_in: device }));
    return file;
  };
  /** Plays the human: approves (or denies) the next pending code shown, once. */
  const human = (decide: 'approve' | 'deny', known = new Set(emulator.deviceCodes().map((c) => c.user_code))) => {
    approver = setInterval(() => {
      const code = emulator.deviceCodes().find((c) => c.status === 'pending' && !known.has(c.user_code));
      if (!code) return;
      known.add(code.user_code);
      if (decide === 'approve') emulator.approveDevice(code.user_code);
      else emulator.denyDevice(code.user_code);
    }, 200);
  };
  const sessionRevokes = () => emulator.requestLog().filter((e) => e.route === 'DELETE /v1/auth/token' && e.principal.startsWith('user:') && e.status === 204).length;

  it('bootstrap --device: prints the code and the URL in one block, enrols on approval, revokes the session', async () => {
    human('approve');
    const revokes = sessionRevokes();
    const run = await runOneclaw(['bootstrap', '--device', '--config', await config({ enabled: false, wait_seconds: 0 })], { home });
    assert.equal(run.code, 0, run.stderr);
    const code = /Code: {2}([B-Z]{4}-[B-Z]{4})/.exec(run.stderr)?.[1];
    assert.ok(code, run.stderr);
    assert.match(run.stderr, new RegExp(`\\[1claw\\] 1Claw sign-in: approve this workspace in your browser \\(no key is typed or stored here\\)\\.\\n\\[1claw\\]   Open:  ${emulator.url.replace(/[.]/g, '\\.')}/cli/verify\\?code=${code}\\n`));
    assert.match(run.stdout, /enrolled: agent "device-/);
    assert.equal(sessionRevokes() - revokes, 1, 'the device session was revoked once, by the bootstrap');
    assert.ok(existsSync(path.join(home, '.1claw', 'agent.json')));
    assert.ok(!run.stderr.includes('eyJ') && !run.stdout.includes('ocv_'), 'no token or key printed');
  });

  it('bootstrap --device, denied: exit 1 with the reason; nothing enrolled', async () => {
    human('deny');
    const run = await runOneclaw(['bootstrap', '--device', '--config', await config({ enabled: false, wait_seconds: 0 })], { home });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /error: The sign-in was denied in the browser/);
    assert.ok(!existsSync(path.join(home, '.1claw', 'agent.json')));
  });

  it('workspace-start with device sign-in: waits at most wait_seconds, then carries on without enrolling', async () => {
    const run = await runOneclaw(['workspace-start', '--config', await config({ enabled: true, wait_seconds: 2 })], { home });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Waiting up to 2 s for the approval/);
    assert.match(run.stderr, /Device sign-in: No approval within 2 s; stopped waiting\. Nothing was created\./);
    assert.ok(run.ms < 15_000, `${run.ms} ms`);
    assert.ok(!existsSync(path.join(home, '.1claw', 'agent.json')));
  });

  it('workspace-start with device sign-in, approved: enrolled and registered', async () => {
    human('approve');
    const run = await runOneclaw(['workspace-start', '--config', await config({ enabled: true, wait_seconds: 60 })], { home });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /signed in as demo@1claw\.test/);
    assert.match(run.stderr, /ready: MCP server "1claw"/);
    // A second start uses the stored agent: no new code.
    const codes = emulator.deviceCodes().length;
    const again = await runOneclaw(['workspace-start', '--config', await config({ enabled: true, wait_seconds: 60 })], { home });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(emulator.deviceCodes().length, codes);
  });

  it('use-key reads the key from standard input only: valid, wrong prefix, revoked', async () => {
    const ok = await runOneclaw(['use-key', '--vault-id', demo.vaultId, '--api-base-url', emulator.url], { home, stdin: `${demo.agentKey}\n` });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`stored: agent ${demo.agentId} for vault ${demo.vaultId}`));
    assert.equal(JSON.parse(await fs.readFile(path.join(home, '.1claw', 'agent.json'), 'utf8')).agent_api_key, demo.agentKey);
    const wrong = await runOneclaw(['use-key', '--api-base-url', emulator.url], { home, stdin: demo.humanKey });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /must be an agent key starting with ocv_, but it is a human key/);
    assert.ok(!wrong.stderr.includes(demo.humanKey));
    // Key-shaped but not a live key: the run's process sampler must never see a real one in argv.
    const argumentKey = `ocv_${'Q'.repeat(20)}argvOnlyNotIssued`;
    const asArgument = await runOneclaw(['use-key', argumentKey], { home });
    assert.equal(asArgument.code, 2, 'a key is never an argument');
    assert.ok(!(asArgument.stderr + asArgument.stdout).includes(argumentKey.slice(8)));
  });

  it('request-access prints the approval link and the next steps', async () => {
    const run = await runOneclaw(['request-access', '--name', 'cli-laptop', '--api-base-url', emulator.url], { home });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`approval link: ${emulator.url.replace(/[.]/g, '\\.')}/agents/enroll/approve\\?id=`));
    assert.match(run.stdout, /`oneclaw use-key`/);
    assert.ok(emulator.enrollments().some((e) => e.name === 'cli-laptop' && e.status === 'pending'));
  });
});
