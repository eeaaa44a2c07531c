/**
 * The device sign-in loop (src/credentials/deviceSignIn.ts) against a scripted API and a fake
 * clock: both pending signals, slow_down and 429, denial, expiry, the caller's time bound,
 * cancellation (no poll after it, a late session revoked), and hostile answers — each ends with
 * a clear message and bounded work.
 */
import * as assert from 'node:assert/strict';
import type { DevicePoll } from '../../src/api/client';
import { ApiError, NetworkError } from '../../src/api/errors';
import type { DeviceCode } from '../../src/api/schemas';
import { DeviceSignInError, deviceSignIn, safeBrowserUrl, type DeviceClient, type DevicePrompt } from '../../src/credentials/deviceSignIn';
import { isRegisteredSecret } from '../../src/util/redact';
import { FakeClock, settle } from '../support/fakeClock';

const DEVICE_CODE = 'dc-3f2b6a1e8c4d4e5f9a0b1c2d3e4f5a6b';
const HUMAN_JWT = `${Buffer.from('{"alg":"EdDSA","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"user:1"}').toString('base64url')}.sig`;
const AGENT_JWT = `${Buffer.from('{"alg":"EdDSA","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"agent:1"}').toString('base64url')}.sig`;

type Answer = DevicePoll | Error;
const pending: DevicePoll = { status: 200, answer: { error: 'authorization_pending' }, retryAfterMs: undefined };
const granted = (token = HUMAN_JWT): DevicePoll => ({ status: 200, answer: { access_token: token, token_type: 'Bearer', expires_in: 900, email: 'demo@1claw.test' }, retryAfterMs: undefined });
const oauth = (error: string, status = 200): DevicePoll => ({ status, answer: { error }, retryAfterMs: undefined });

class ScriptedApi implements DeviceClient {
  readonly baseUrl = 'https://api.1claw.test';
  polls: number[] = [];
  revoked: string[] = [];
  codeRequests: Array<{ client_id: string; email?: string }> = [];
  constructor(
    private readonly clock: FakeClock,
    private readonly answers: Answer[],
    private readonly code: DeviceCode | Error = { device_code: DEVICE_CODE, user_code: 'BCDF-GHJK', verification_uri: 'https://1claw.test/cli/verify', expires_in: 600, interval: 5 },
    private readonly onPoll?: (n: number) => void,
  ) {}
  async requestDeviceCode(input: { client_id: string; email?: string }): Promise<DeviceCode> {
    this.codeRequests.push(input);
    if (this.code instanceof Error) throw this.code;
    return this.code;
  }
  async pollDeviceToken(deviceCode: string): Promise<DevicePoll> {
    assert.equal(deviceCode, DEVICE_CODE);
    this.polls.push(this.clock.now());
    this.onPoll?.(this.polls.length);
    const next = this.answers.length > 1 ? this.answers.shift()! : this.answers[0]!;
    if (next instanceof Error) throw next;
    return next;
  }
  async revokeToken(token: string): Promise<void> {
    this.revoked.push(token);
  }
}

/** Runs the sign-in to its end, moving fake time a second at a time (bounded). */
async function run(api: ScriptedApi, clock: FakeClock, options: Partial<Parameters<typeof deviceSignIn>[1]> = {}): Promise<{ result?: Awaited<ReturnType<typeof deviceSignIn>>; error?: DeviceSignInError | Error; prompt?: DevicePrompt }> {
  let prompt: DevicePrompt | undefined;
  let done = false;
  const outcome: { result?: Awaited<ReturnType<typeof deviceSignIn>>; error?: Error } = {};
  const signIn = deviceSignIn(api, { clock, onPrompt: (p) => (prompt = p), ...options })
    .then((r) => (outcome.result = r))
    .catch((e: Error) => (outcome.error = e))
    .finally(() => (done = true));
  await settle(); // the code request and the first timer, before time moves
  for (let i = 0; i < 4000 && !done; i++) await clock.advance(1000);
  await signIn;
  return { ...outcome, prompt };
}

describe('device sign-in (core)', () => {
  let clock: FakeClock;
  beforeEach(() => (clock = new FakeClock()));

  it('sends the CLI shape without an email and SPEC\'s with one; shows the code and the page with ?code=', async () => {
    const api = new ScriptedApi(clock, [pending, pending, granted()]);
    const { result, prompt } = await run(api, clock);
    assert.equal(result?.token, HUMAN_JWT);
    assert.equal(result?.email, 'demo@1claw.test');
    assert.deepEqual(api.codeRequests, [{ client_id: 'cli' }]);
    assert.equal(prompt?.userCode, 'BCDF-GHJK');
    assert.equal(prompt?.verificationUrl, 'https://1claw.test/cli/verify');
    assert.equal(prompt?.openUrl, 'https://1claw.test/cli/verify?code=BCDF-GHJK');
    assert.ok(isRegisteredSecret(DEVICE_CODE) && isRegisteredSecret(HUMAN_JWT), 'device code and session are redacted everywhere');
    const withEmail = new ScriptedApi(new FakeClock(), [granted()]);
    await run(withEmail, clock, { email: 'demo@1claw.test' });
    assert.deepEqual(withEmail.codeRequests, [{ client_id: 'cli', email: 'demo@1claw.test' }]);
  });

  it('polls at the server\'s interval, and a non-2xx answer counts as pending (1Claw\'s CLI)', async () => {
    const api = new ScriptedApi(clock, [pending, { status: 400, answer: undefined, retryAfterMs: undefined }, oauth('authorization_pending', 428), granted()]);
    const start = clock.now();
    const { result } = await run(api, clock);
    assert.ok(result);
    assert.deepEqual(api.polls.map((t) => (t - start) / 1000), [5, 10, 15, 20]);
  });

  it('slow_down adds 5 s to the interval; 429 waits at least its Retry-After', async () => {
    const api = new ScriptedApi(clock, [pending, oauth('slow_down'), pending, { status: 429, answer: undefined, retryAfterMs: 30_000 }, granted()]);
    const start = clock.now();
    await run(api, clock);
    assert.deepEqual(api.polls.map((t) => (t - start) / 1000), [5, 10, 20, 30, 60]);
  });

  it('interval and lifetime from the server are clamped (0 → 5 s, 10 000 → 60 s; expires_in capped at an hour)', async () => {
    const fast = new ScriptedApi(clock, [pending, granted()], { device_code: DEVICE_CODE, user_code: 'BCDF-GHJK', verification_uri: 'https://1claw.test/v', expires_in: 10_000_000, interval: 0 });
    const t0 = clock.now();
    const { prompt } = await run(fast, clock);
    assert.deepEqual(fast.polls.map((t) => (t - t0) / 1000), [5, 10]);
    assert.equal(prompt!.expiresAt - t0, 3600_000);
    const slow = new ScriptedApi(clock, [granted()], { device_code: DEVICE_CODE, user_code: 'BCDF-GHJK', verification_uri: 'https://1claw.test/v', expires_in: 600, interval: 10_000 });
    const t1 = clock.now();
    await run(slow, clock);
    assert.deepEqual(slow.polls.map((t) => (t - t1) / 1000), [60]);
  });

  it('denial and expiry end with clear sentences', async () => {
    const denied = await run(new ScriptedApi(clock, [pending, oauth('access_denied')]), clock);
    assert.equal((denied.error as DeviceSignInError).reason, 'denied');
    assert.match(denied.error!.message, /denied in the browser\. Nothing was created/);
    const expiredByServer = await run(new ScriptedApi(clock, [oauth('expired_token', 400)]), clock);
    assert.equal((expiredByServer.error as DeviceSignInError).reason, 'expired');
    assert.match(expiredByServer.error!.message, /expired before it was approved/);
    const used = await run(new ScriptedApi(clock, [oauth('invalid_grant', 400)]), clock);
    assert.equal((used.error as DeviceSignInError).reason, 'expired');
  });

  it('stops on its own at the code\'s expiry even if the server keeps saying pending', async () => {
    const api = new ScriptedApi(clock, [pending], { device_code: DEVICE_CODE, user_code: 'BCDF-GHJK', verification_uri: 'https://1claw.test/v', expires_in: 30, interval: 5 });
    const { error } = await run(api, clock);
    assert.equal((error as DeviceSignInError).reason, 'expired');
    assert.equal(api.polls.length, 6, 'polls at 5, 10, … 30 s, then no more');
  });

  it('the caller\'s bound (the module\'s wait_seconds) ends the wait before the code expires', async () => {
    const api = new ScriptedApi(clock, [pending]);
    const { error } = await run(api, clock, { maxWaitMs: 12_000 });
    assert.equal((error as DeviceSignInError).reason, 'timeout');
    assert.match(error!.message, /No approval within 12 s/);
    assert.equal(api.polls.length, 2);
  });

  it('cancellation stops at once: no poll after it, and a session that arrives late is revoked', async () => {
    const abort = new AbortController();
    const api = new ScriptedApi(clock, [pending], undefined, (n) => n === 2 && abort.abort());
    const { error } = await run(api, clock, { signal: abort.signal });
    assert.equal((error as DeviceSignInError).reason, 'cancelled');
    assert.equal(api.polls.length, 2);
    const late = new AbortController();
    const racing = new ScriptedApi(clock, [granted()], undefined, () => late.abort());
    const raced = await run(racing, clock, { signal: late.signal });
    assert.equal((raced.error as DeviceSignInError).reason, 'cancelled');
    assert.deepEqual(racing.revoked, [HUMAN_JWT], 'the session issued after the cancel is revoked');
    const before = new AbortController();
    before.abort();
    const never = new ScriptedApi(clock, [granted()]);
    assert.equal(((await run(never, clock, { signal: before.signal })).error as DeviceSignInError).reason, 'cancelled');
    assert.equal(never.codeRequests.length, 0);
  });

  it('network failures and 5xx while polling are retried at the next interval', async () => {
    const api = new ScriptedApi(clock, [new NetworkError('POST', '/v1/auth/device/token', 'ECONNRESET'), { status: 503, answer: undefined, retryAfterMs: undefined }, granted()]);
    const { result } = await run(api, clock);
    assert.ok(result);
    assert.equal(api.polls.length, 3);
  });

  describe('hostile or broken answers', () => {
    const code = (over: Partial<DeviceCode>): DeviceCode => ({ device_code: DEVICE_CODE, user_code: 'BCDF-GHJK', verification_uri: 'https://1claw.test/cli/verify', expires_in: 600, interval: 5, ...over });
    const failure = async (api: ScriptedApi) => (await run(api, clock)).error as DeviceSignInError;

    it('a code answer without a device code, or with a user code that cannot be shown safely', async () => {
      assert.match((await failure(new ScriptedApi(clock, [granted()], code({ device_code: null })))).message, /no usable device_code/);
      for (const userCode of ['', 'AB\u001b[2JCD', 'X'.repeat(200), 'BCDF\nGHJK', '<script>']) {
        const error = await failure(new ScriptedApi(clock, [granted()], code({ user_code: userCode })));
        assert.equal(error.reason, 'bad-answer', JSON.stringify(userCode));
        assert.match(error.message, /no user code that can be shown safely/);
      }
    });

    it('a verification page that is not https is never shown or opened', async () => {
      for (const uri of ['javascript:alert(1)', 'command:workbench.action.openSettings', 'http://phish.example/verify', 'file:///etc/passwd', 'https://user:pw@1claw.test/x']) {
        const error = await failure(new ScriptedApi(clock, [granted()], code({ verification_uri: uri })));
        assert.equal(error.reason, 'bad-answer', uri);
        assert.match(error.message, /not an https address/);
      }
      assert.match((await failure(new ScriptedApi(clock, [granted()], code({ verification_uri_complete: 'javascript:x' })))).message, /verification_uri_complete/);
      // No page named: the CLI's derivation from the API URL.
      const derived = await run(new ScriptedApi(clock, [granted()], code({ verification_uri: undefined })), clock);
      assert.equal(derived.prompt?.verificationUrl, 'https://1claw.test/cli/verify');
      assert.equal(safeBrowserUrl('http://127.0.0.1:8443/cli/verify')?.host, '127.0.0.1:8443');
    });

    it('polls answered with neither a session nor a pending signal stop after three in a row', async () => {
      const api = new ScriptedApi(clock, [{ status: 200, answer: undefined, retryAfterMs: undefined }]);
      const error = await failure(api);
      assert.equal(error.reason, 'bad-answer');
      assert.match(error.message, /3 times with neither a session nor a pending signal \(an unreadable body\)/);
      assert.equal(api.polls.length, 3);
      const empty = await failure(new ScriptedApi(clock, [{ status: 200, answer: {}, retryAfterMs: undefined }]));
      assert.match(empty.message, /an empty answer/);
    });

    it('an unknown OAuth error ends the sign-in, quoting it only when it is a plain code', async () => {
      assert.match((await failure(new ScriptedApi(clock, [oauth('unsupported_grant_type', 400)]))).message, /ended the sign-in with "unsupported_grant_type"/);
      assert.match((await failure(new ScriptedApi(clock, [oauth('<b>ocv_steal</b>')]))).message, /an unreadable error/);
    });

    it('an agent token, or something that is not a token, is refused as a session', async () => {
      assert.match((await failure(new ScriptedApi(clock, [granted(AGENT_JWT)]))).message, /an agent token instead of a human session/);
      assert.match((await failure(new ScriptedApi(clock, [granted('two words')]))).message, /a session token that is not a token/);
    });

    it('SPEC servers that insist on an email, and servers without device sign-in, say so', async () => {
      const insist = new ApiError({ status: 400, detail: 'Missing required field: email', method: 'POST', route: '/v1/auth/device/code' });
      const needs = await failure(new ScriptedApi(clock, [granted()], insist));
      assert.equal(needs.reason, 'email-required');
      assert.match(needs.message, /needs the email of the account that will approve/);
      const missing = new ApiError({ status: 404, method: 'POST', route: '/v1/auth/device/code' });
      assert.equal((await failure(new ScriptedApi(clock, [granted()], missing))).reason, 'refused');
    });
  });

  it('work is bounded: a pending answer forever ends at the code\'s lifetime with at most lifetime/interval polls', async () => {
    const api = new ScriptedApi(clock, [pending], { device_code: DEVICE_CODE, user_code: 'BCDF-GHJK', verification_uri: 'https://1claw.test/v', expires_in: 3600, interval: 1 });
    const { error } = await run(api, clock);
    assert.equal((error as DeviceSignInError).reason, 'expired');
    assert.ok(api.polls.length <= 3600, `${api.polls.length} polls`);
    await settle();
    assert.equal(clock.pendingTimers, 0, 'no timer left behind');
  });
});
