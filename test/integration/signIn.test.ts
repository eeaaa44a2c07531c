/**
 * Every way in without a human key in the workspace, against the emulator: device sign-in
 * (approve, deny, expire, cancel, slow_down, non-2xx pending) through the core and the editor's
 * WorkspaceAccess, an existing agent key (valid, wrong prefix, revoked), and a self-enrolment
 * request that a human approves, ending with the key they received in use. Device polls run on
 * a fake clock linked to the emulator's (its skew follows the fake time), so a 10-minute code
 * takes milliseconds.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { OneClawClient } from '../../src/api/client';
import { keyFingerprint } from '../../src/credentials/agentRecord';
import { DeviceSignInError, deviceCredential, deviceSignIn, type DeviceClient, type DevicePrompt } from '../../src/credentials/deviceSignIn';
import { ExistingKeyError } from '../../src/credentials/existingKey';
import { AGENT_SECRET_KEY } from '../../src/credentials/resolution';
import { requestWorkspaceAccess } from '../../src/credentials/selfEnrolment';

import { DEFAULT_SETTINGS } from '../../src/settings';
import { createLogger } from '../../src/util/log';
import { startEmulator, type Emulator } from '../emulator';
import { jwtPayload } from '../emulator/testing';
import { FakeClock } from '../support/fakeClock';
import { MemorySecrets } from '../support/fakeContext';
import { until, settled } from '../support/waitFor';
import { TestWorkspaces } from '../support/workspaces';

const logLines: string[] = [];
const logger = createLogger((level, message) => logLines.push(`${level}: ${message}`));

describe('sign-in without a human key: device code, existing key, self-enrolment (emulator)', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let demo: NonNullable<Emulator['demo']>;
  const workspaces = new TestWorkspaces(() => emulator, logger, 'oneclaw-signin-');

  before(async () => {
    emulator = await startEmulator({ seed: 'demo', switches: { deviceCodeIntervalSeconds: 5, deviceCodeExpiresInSeconds: 600 } });
    demo = emulator.demo!;
  });
  afterEach(() => {
    emulator.setClockSkew(0);
    emulator.setSwitches({ devicePendingStatus: 200, deviceCodeIntervalSeconds: 5, deviceCodeExpiresInSeconds: 600 });
  });
  after(async () => {
    await workspaces.dispose();
    await emulator?.close();
    const all = logLines.join('\n');
    for (const secret of [demo.humanKey, demo.agentKey]) assert.ok(!all.includes(secret), 'a credential reached the log');
  });

  const polls = () => emulator.requestLog().filter((e) => e.route === 'POST /v1/auth/device/token');

  /** The real client, with the emulator's clock moved to the fake clock's elapsed time before each call. */
  function linkedClient(clock: FakeClock, options: { doublePollFirst?: boolean } = {}): DeviceClient {
    const client = new OneClawClient({ baseUrl: emulator.url, retry: { maxAttempts: 1 } });
    const start = clock.now();
    const sync = () => emulator.setClockSkew((clock.now() - start) / 1000);
    let first = options.doublePollFirst ?? false;
    return {
      baseUrl: client.baseUrl,
      requestDeviceCode: (input) => (sync(), client.requestDeviceCode(input)),
      pollDeviceToken: async (code) => {
        sync();
        if (first) {
          // A second poll at once: too fast for the server, which answers slow_down.
          first = false;
          await client.pollDeviceToken(code);
        }
        return client.pollDeviceToken(code);
      },
      revokeToken: (token) => client.revokeToken(token),
    };
  }

  /** Runs a sign-in on fake time; `during(prompt, seconds)` acts once per simulated second. */
  async function signIn(options: { clock?: FakeClock; client?: DeviceClient; during?: (prompt: DevicePrompt, second: number) => void; signal?: AbortSignal; maxWaitMs?: number; email?: string } = {}) {
    const clock = options.clock ?? new FakeClock();
    const client = options.client ?? linkedClient(clock);
    let prompt: DevicePrompt | undefined;
    let done = false;
    const result: { session?: Awaited<ReturnType<typeof deviceSignIn>>; error?: DeviceSignInError } = {};
    const run = deviceSignIn(client, { clock, logger, signal: options.signal, maxWaitMs: options.maxWaitMs, email: options.email, onPrompt: (p) => (prompt = p) })
      .then((s) => (result.session = s))
      .catch((e: DeviceSignInError) => (result.error = e))
      .finally(() => (done = true));
    await until(() => prompt !== undefined || done, 5_000, 'the code');
    for (let second = 1; second <= 1200 && !done; second++) {
      options.during?.(prompt!, second);
      await clock.advance(1000, 3);
    }
    await run;
    return { ...result, prompt: prompt!, clock };
  }

  describe('device sign-in (core + emulator)', () => {
    it('approve: the CLI\'s request shape, polls at the interval, a human session for the approver', async () => {
      emulator.clearRequestLog();
      const { session, prompt } = await signIn({ during: (p, s) => s === 12 && emulator.approveDevice(p.userCode) });
      assert.ok(session, 'a session');
      assert.match(prompt.userCode, /^[B-Z]{4}-[B-Z]{4}$/);
      assert.equal(prompt.openUrl, `${emulator.url}/cli/verify?code=${prompt.userCode}`);
      assert.match(String(jwtPayload(session.token).sub), /^user:/);
      assert.equal(session.email, demo.humanEmail);
      // Polled at 5, 10 (pending) and 15 s (approved at 12 s): three polls, no slow_down.
      assert.deepEqual(polls().map((e) => e.status), [200, 200, 200]);
      assert.equal(emulator.deviceCodes().find((c) => c.user_code === prompt.userCode)?.status, 'consumed');
    });

    it('SPEC\'s shape with an email: only that account may approve', async () => {
      const { session, prompt } = await signIn({ email: demo.humanEmail, during: (p, s) => s === 6 && emulator.approveDevice(p.userCode) });
      assert.ok(session);
      assert.equal(emulator.deviceCodes().find((c) => c.user_code === prompt.userCode)?.email, demo.humanEmail);
    });

    it('deny: ends with "denied", no session', async () => {
      const { session, error } = await signIn({ during: (p, s) => s === 7 && emulator.denyDevice(p.userCode) });
      assert.equal(session, undefined);
      assert.equal(error?.reason, 'denied');
      assert.match(error!.message, /denied in the browser/);
    });

    it('expire: the server\'s expired_token ends the wait', async () => {
      emulator.setSwitches({ deviceCodeExpiresInSeconds: 10 });
      emulator.clearRequestLog();
      const { error, prompt } = await signIn();
      assert.equal(error?.reason, 'expired');
      assert.equal(emulator.deviceCodes().find((c) => c.user_code === prompt.userCode)?.status, 'expired');
      assert.ok(polls().length <= 2, `${polls().length} polls for a 10 s code`);
    });

    it('cancel: no poll after the cancellation, and nothing approved later is ever fetched', async () => {
      const abort = new AbortController();
      emulator.clearRequestLog();
      const { error, prompt } = await signIn({ signal: abort.signal, during: (_p, s) => s === 7 && abort.abort() });
      assert.equal(error?.reason, 'cancelled');
      const seen = polls().length;
      assert.equal(seen, 1, 'one poll (at 5 s) before the cancel at 7 s');
      emulator.approveDevice(prompt.userCode);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(polls().length, seen);
      assert.equal(emulator.deviceCodes().find((c) => c.user_code === prompt.userCode)?.status, 'approved', 'approved but never collected');
    });

    it('slow_down: the interval grows by 5 s and the server stops complaining', async () => {
      emulator.clearRequestLog();
      const clock = new FakeClock();
      const start = clock.now();
      const { session } = await signIn({ clock, client: linkedClient(clock, { doublePollFirst: true }), during: (p, s) => s === 16 && emulator.approveDevice(p.userCode) });
      assert.ok(session);
      const log = polls();
      // 5 s: pending + slow_down (the doubled poll); then every 10 s: 15 s pending, 25 s token.
      assert.equal(log.length, 4);
      assert.ok(clock.now() - start >= 25_000);
    });

    it('pending as a non-2xx answer (RFC 8628 400), as 1Claw\'s CLI tolerates', async () => {
      emulator.setSwitches({ devicePendingStatus: 400 });
      emulator.clearRequestLog();
      const { session } = await signIn({ during: (p, s) => s === 11 && emulator.approveDevice(p.userCode) });
      assert.ok(session);
      assert.deepEqual(polls().map((e) => e.status), [400, 400, 200]);
    });
  });

  let made = 0;
  async function harness(env: Record<string, string> = {}) {
    const home = await workspaces.home();
    const secrets = new MemorySecrets();
    const settings = { bootstrap: { ...DEFAULT_SETTINGS.bootstrap, vaultName: 'coder-workspace', agentName: `signin-${++made}` } };
    const access = workspaces.access(home, env, { secrets, settings, cleanup: 'none' });
    await access.start();
    return { access, home, secrets };
  }

  describe('the editor\'s workspace access', () => {
    it('a device session bootstraps the workspace (explicit: clears a revocation), then is revoked', async () => {
      const { access, home } = await harness();
      await fs.mkdir(path.join(home, '.1claw'), { recursive: true, mode: 0o700 });
      await fs.writeFile(path.join(home, '.1claw', 'revoked.json'), JSON.stringify({ revoked: [{ fingerprint: keyFingerprint('ocv_old_key_of_this_workspace'), at: '2026-01-01T00:00:00Z' }] }));
      const { session } = await signIn({ during: (p, s) => s === 6 && emulator.approveDevice(p.userCode) });
      emulator.setClockSkew(0);
      const result = await access.bootstrap(deviceCredential(session!));
      assert.equal(result.agent.vaultId, demo.vaultId, 'the existing coder-workspace vault');
      assert.equal((await settled(access.session, 10_000)).kind, 'connected');
      assert.ok(emulator.isTokenRevoked(session!.token), 'the sign-in session is revoked at the end');
      const memory = JSON.parse(await fs.readFile(path.join(home, '.1claw', 'revoked.json'), 'utf8')) as { revoked: Array<{ cleared_at?: string }> };
      assert.ok(memory.revoked.every((e) => e.cleared_at), 'an explicit sign-in clears the revocation memory');
      assert.equal((await fs.stat(path.join(home, '.1claw', 'agent.json'))).mode & 0o777, 0o600);
    });
  });

  describe('use an existing agent key', () => {
    it('valid: one exchange (its token revoked at once), stored 0600 and in secret storage, connected', async () => {
      const { access, home, secrets } = await harness();
      emulator.clearRequestLog();
      const agent = await access.useAgentKey({ agentKey: demo.agentKey, vaultId: demo.vaultId });
      assert.equal(agent.vaultId, demo.vaultId);
      assert.equal(agent.agentId, demo.agentId);
      const before = emulator.requestLog().map((e) => e.route);
      assert.deepEqual(before.slice(0, 2), ['POST /v1/auth/agent-token', 'DELETE /v1/auth/token']);
      const file = path.join(home, '.1claw', 'agent.json');
      assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
      assert.equal(JSON.parse(await fs.readFile(file, 'utf8')).agent_api_key, demo.agentKey);
      assert.ok(secrets.values.get(AGENT_SECRET_KEY)?.includes(demo.vaultId));
      const state = await settled(access.session, 10_000);
      assert.equal(state.kind === 'connected' && state.session.vaultId, demo.vaultId);
    });

    it('the demo agent has four vaults: without a vault it asks for one; a vault it is not bound to is refused', async () => {
      const { access, home } = await harness();
      await assert.rejects(access.useAgentKey({ agentKey: demo.agentKey }), (e: ExistingKeyError) => e.reason === 'vault' && /can use 4 vaults: give the ID/.test(e.message));
      await assert.rejects(access.useAgentKey({ agentKey: demo.agentKey, vaultId: demo.otherTeamVaultId }), /not bound to the vault/);
      await assert.rejects(fs.stat(path.join(home, '.1claw', 'agent.json')), 'nothing stored');
    });

    it('wrong prefix: refused before any request, without quoting the key', async () => {
      const { access } = await harness();
      emulator.clearRequestLog();
      await assert.rejects(access.useAgentKey({ agentKey: demo.humanKey }), (e: ExistingKeyError) => {
        assert.equal(e.reason, 'format');
        assert.match(e.message, /must be an agent key starting with ocv_, but it is a human key \(1ck_\)/);
        assert.ok(!e.message.includes(demo.humanKey.slice(4)));
        return true;
      });
      assert.equal(emulator.requestLog().length, 0);
    });

    it('revoked: 1Claw refuses the deleted agent\'s key; a key revoked in this workspace is refused without asking', async () => {
      const admin = new OneClawClient({ baseUrl: emulator.url });
      const human = (await admin.exchangeHumanKey(demo.humanKey)).access_token;
      const doomed = await admin.createAgent(human, { name: 'doomed', vault_ids: [demo.vaultId] });
      emulator.deleteAgent(doomed.agent.id);
      const { access, home } = await harness();
      await assert.rejects(access.useAgentKey({ agentKey: doomed.api_key! }), (e: ExistingKeyError) => e.reason === 'refused' && /refused this agent key \(401.*revoked, deleted or deactivated.*Nothing was stored/.test(e.message));
      // Revoked here earlier and cleared since by an explicit enrolment: the key itself stays refused.
      await fs.mkdir(path.join(home, '.1claw'), { recursive: true, mode: 0o700 });
      await fs.writeFile(path.join(home, '.1claw', 'revoked.json'), JSON.stringify({ revoked: [{ fingerprint: keyFingerprint(demo.agentKey), at: '2026-01-01T00:00:00Z', cleared_at: '2026-01-02T00:00:00Z' }] }));
      emulator.clearRequestLog();
      await assert.rejects(access.useAgentKey({ agentKey: demo.agentKey, vaultId: demo.vaultId }), (e: ExistingKeyError) => e.reason === 'revoked-here');
      assert.equal(emulator.requestLog().length, 0);
    });

    it('an injected ONECLAW_AGENT_API_KEY wins, so the command refuses rather than store a key that would be ignored', async () => {
      const { access } = await harness({ ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId });
      await assert.rejects(access.useAgentKey({ agentKey: demo.agentKey, vaultId: demo.vaultId }), /template injects an agent key/);
    });
  });

  describe('request access (self-enrolment)', () => {
    it('asks, a human approves through the link, receives the key, and the workspace uses it', async () => {
      const client = new OneClawClient({ baseUrl: emulator.url });
      const requested = await requestWorkspaceAccess(client, { name: 'laptop-agent', email: demo.humanEmail, description: 'test' });
      assert.match(requested.approvalUrl ?? '', new RegExp(`^${emulator.url}/agents/enroll/approve\\?id=`));
      assert.match(requested.nextSteps.join(' '), /owner of demo@1claw\.test gets Allow\/Deny links.*never to this workspace.*Use an Existing Agent Key/);
      const pending = emulator.enrollments().find((e) => e.name === 'laptop-agent');
      assert.equal(pending?.status, 'pending');
      assert.equal(pending?.human_email, demo.humanEmail);
      // The human opens the link while signed in (the admin hook), and the key is "emailed" to them.
      emulator.approveEnrollment(pending!.id);
      const mail = emulator.mailbox(demo.humanEmail).find((m) => m.agent_id === emulator.enrollments().find((e) => e.id === pending!.id)?.agent_id);
      assert.ok(mail, 'the key went to the human');
      const { access } = await harness();
      const agent = await access.useAgentKey({ agentKey: mail.api_key, vaultId: demo.vaultId });
      assert.equal(agent.agentId, mail.agent_id);
      assert.equal((await settled(access.session, 10_000)).kind, 'connected');
    });

    it('link-only (no email), and the per-email cooldown said plainly', async () => {
      const client = new OneClawClient({ baseUrl: emulator.url, retry: { maxAttempts: 1 } });
      const linkOnly = await requestWorkspaceAccess(client, { name: 'link-only' });
      assert.ok(linkOnly.approvalUrl);
      assert.match(linkOnly.nextSteps[0]!, /Send the approval link to a 1Claw administrator/);
      emulator.setLimits({ enrollPerEmail: { perSeconds: 600 } });
      try {
        await requestWorkspaceAccess(client, { name: 'again-1', email: 'someone@example.test' });
        await assert.rejects(requestWorkspaceAccess(client, { name: 'again-2', email: 'someone@example.test' }), /1Claw limits access requests \(429.*try again in \d+ s/);
      } finally {
        emulator.setLimits(false);
      }
      await assert.rejects(requestWorkspaceAccess(client, { name: 'bad name!' }), /The agent name must be/);
      await assert.rejects(requestWorkspaceAccess(client, { name: 'ok', email: 'not-an-email' }), /is not an email address/);
    });
  });
});
