/**
 * Device sign-in for humans (1Claw's device authorisation flow, contract §12.4): ask for a code,
 * show it and the verification page, poll until the human approves in a browser, and hand back
 * a short-lived human session. No human key is typed, stored or put in any environment. The
 * editor command and the `oneclaw` CLI (`bootstrap --device`, the start script) both run this.
 *
 * The spec and 1Claw's CLI disagree, so both are accepted: the request is the CLI's `{client_id}`
 * (plus SPEC's `email` when one is known), and "pending" is a 200 `{error:"authorization_pending"}`
 * or any non-2xx answer. The loop polls at the server's interval, slows down on `slow_down` and
 * 429, and ends on approval, denial, expiry, the caller's time bound or cancellation. Every wait
 * and the number of polls are bounded. A session issued after a cancellation is revoked at once.
 */
import type { OneClawClient } from '../api/client';
import { ApiError, OneClawError, isTransient } from '../api/errors';
import { isLoopbackHost } from '../api/url';
import { systemClock, type Clock } from '../util/clock';
import { describeError, silentLogger, type Logger } from '../util/log';
import { registerSecret } from '../util/redact';
import type { HumanCredential } from './bootstrap';
import { decodeJwtClaims } from './jwt';

export type DeviceClient = Pick<OneClawClient, 'baseUrl' | 'requestDeviceCode' | 'pollDeviceToken' | 'revokeToken'>;

/** What the person must see: the code, and where to enter it. */
export interface DevicePrompt {
  userCode: string;
  /** The verification page as shown (without the code). */
  verificationUrl: string;
  /** What to open in a browser: the server's complete URI, else the page with `?code=` (as 1Claw's CLI opens). */
  openUrl: string;
  expiresAt: number;
}

export interface DeviceSession {
  token: string;
  expiresAt: number;
  email?: string;
}

export type DeviceFailure = 'denied' | 'expired' | 'cancelled' | 'timeout' | 'email-required' | 'bad-answer' | 'refused';

export class DeviceSignInError extends OneClawError {
  constructor(
    readonly reason: DeviceFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface DeviceSignInOptions {
  /** 1Claw's own CLI sends "cli" (1clawAI/1claw-cli@47d364e); SPEC names no values. */
  clientId?: string;
  /** SPEC: only this account may approve. Sent only when known. */
  email?: string;
  signal?: AbortSignal;
  /** Stop waiting after this long even while the code still lives (the module's `wait_seconds`). */
  maxWaitMs?: number;
  clock?: Clock;
  logger?: Logger;
  onPrompt(prompt: DevicePrompt): void;
  /** Before each wait, for progress displays. */
  onWaiting?(info: { remainingMs: number; intervalMs: number; polls: number }): void;
}

const DEVICE_CLIENT_ID = 'cli';
const DEFAULT_INTERVAL_S = 5;
const MAX_INTERVAL_S = 60;
const SLOW_DOWN_S = 5;
const DEFAULT_EXPIRES_S = 600;
const MAX_EXPIRES_S = 3600;
const DEFAULT_SESSION_S = 900;
const MAX_POLLS = 1000;
const MAX_BAD_ANSWERS = 3;
const USER_CODE = /^[A-Za-z0-9](?:[A-Za-z0-9 -]{0,30}[A-Za-z0-9])?$/;
const ERROR_CODE = /^[a-z_]{1,40}$/;

export async function deviceSignIn(client: DeviceClient, options: DeviceSignInOptions): Promise<DeviceSession> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const signal = options.signal;
  if (signal?.aborted) throw cancelled();

  const grant = await requestCode(client, options);
  const now = clock.now();
  const prompt = promptOf(grant, client.baseUrl, now);
  options.onPrompt(prompt);
  logger.info(`Device sign-in: waiting for approval of code ${prompt.userCode} at ${prompt.verificationUrl}.`);

  let intervalMs = seconds(grant.interval, DEFAULT_INTERVAL_S, 1, MAX_INTERVAL_S) * 1000;
  const giveUpAt = options.maxWaitMs === undefined ? prompt.expiresAt : Math.min(prompt.expiresAt, now + Math.max(0, options.maxWaitMs));
  let badAnswers = 0;
  for (let polls = 0; polls < MAX_POLLS; polls++) {
    if (clock.now() + intervalMs > giveUpAt) throw giveUpAt < prompt.expiresAt ? timedOut(options.maxWaitMs ?? 0) : expired();
    options.onWaiting?.({ remainingMs: prompt.expiresAt - clock.now(), intervalMs, polls });
    await pause(clock, intervalMs, signal);
    let poll: Awaited<ReturnType<DeviceClient['pollDeviceToken']>>;
    try {
      poll = await client.pollDeviceToken(grant.deviceCode);
    } catch (err) {
      // No answer at all (network, timeout): the code lives on; try again at the next interval.
      if (!isTransient(err)) throw err;
      logger.debug(`Device sign-in: poll failed (${describeError(err)}); trying again.`);
      continue;
    }
    const outcome = classify(poll);
    switch (outcome.kind) {
      case 'token': {
        const session = checkedSession(outcome.token, outcome.expiresIn, outcome.email, clock.now());
        if (signal?.aborted) {
          await endDeviceSession(client, session, logger);
          throw cancelled();
        }
        return session;
      }
      case 'pending':
        badAnswers = 0;
        continue;
      case 'slow-down':
        badAnswers = 0;
        intervalMs = Math.min(MAX_INTERVAL_S * 1000, Math.max(intervalMs + SLOW_DOWN_S * 1000, outcome.retryAfterMs ?? 0));
        continue;
      case 'bad':
        if (++badAnswers >= MAX_BAD_ANSWERS) throw new DeviceSignInError('bad-answer', `The 1Claw API answered the sign-in poll ${MAX_BAD_ANSWERS} times with neither a session nor a pending signal (${outcome.what}); sign-in stopped.`);
        continue;
      case 'end':
        throw outcome.error;
    }
  }
  throw expired();
}

/** A human credential for the bootstrap (which revokes the session when it ends). */
export function deviceCredential(session: DeviceSession): HumanCredential {
  return { kind: 'session', token: session.token, origin: 'device' };
}

/** Revoke a session that did not reach a bootstrap (a bootstrap revokes its own). Never throws. */
export async function endDeviceSession(client: Pick<DeviceClient, 'revokeToken'>, session: DeviceSession, logger: Logger = silentLogger): Promise<void> {
  try {
    await client.revokeToken(session.token);
  } catch (err) {
    if (!(err instanceof ApiError && err.isUnauthorized)) logger.warn(`Could not revoke the sign-in session (${describeError(err)}); it expires on its own.`);
  }
}

// --- internals ------------------------------------------------------------------------------

interface Grant {
  deviceCode: string;
  userCode: string;
  verificationUri: string | undefined;
  verificationUriComplete: string | undefined;
  expiresIn: number | null | undefined;
  interval: number | null | undefined;
}

async function requestCode(client: DeviceClient, options: DeviceSignInOptions): Promise<Grant> {
  const input: { client_id: string; email?: string } = { client_id: options.clientId ?? DEVICE_CLIENT_ID };
  if (options.email) input.email = options.email;
  let answer: Awaited<ReturnType<DeviceClient['requestDeviceCode']>>;
  try {
    answer = await client.requestDeviceCode(input);
  } catch (err) {
    // SPEC requires an email; 1Claw's CLI sends none. A server that insists answers 400/422.
    if (!options.email && err instanceof ApiError && (err.status === 400 || err.status === 422)) {
      throw new DeviceSignInError('email-required', `This 1Claw server needs the email of the account that will approve the sign-in (${err.status}${err.detail ? `: ${err.detail}` : ''}).`);
    }
    if (err instanceof ApiError && (err.status === 404 || err.status === 405)) throw new DeviceSignInError('refused', 'This 1Claw server does not offer device sign-in; use a human API key or an existing agent key instead.');
    throw err;
  }
  const deviceCode = answer.device_code ?? '';
  const userCode = (answer.user_code ?? '').trim();
  if (deviceCode.length < 8 || deviceCode.length > 2048) throw badAnswer('no usable device_code');
  registerSecret(deviceCode);
  if (!USER_CODE.test(userCode)) throw badAnswer('no user code that can be shown safely');
  return { deviceCode, userCode, verificationUri: answer.verification_uri ?? undefined, verificationUriComplete: answer.verification_uri_complete ?? undefined, expiresIn: answer.expires_in, interval: answer.interval };
}

function promptOf(grant: Grant, baseUrl: string, now: number): DevicePrompt {
  const page = grant.verificationUri === undefined ? derivedVerificationUrl(baseUrl) : safeBrowserUrl(grant.verificationUri);
  if (!page) throw badAnswer('a verification_uri that is not an https address');
  const complete = grant.verificationUriComplete === undefined ? undefined : safeBrowserUrl(grant.verificationUriComplete);
  if (grant.verificationUriComplete !== undefined && !complete) throw badAnswer('a verification_uri_complete that is not an https address');
  const open = complete ?? withCode(page, grant.userCode);
  const expiresIn = seconds(grant.expiresIn, DEFAULT_EXPIRES_S, 1, MAX_EXPIRES_S);
  return { userCode: grant.userCode, verificationUrl: page.toString(), openUrl: open.toString(), expiresAt: now + expiresIn * 1000 };
}

/** 1Claw's CLI opens `<API base without "api.">/cli/verify` when the server names no page. */
function derivedVerificationUrl(baseUrl: string): URL | undefined {
  const url = new URL(baseUrl);
  url.hostname = url.hostname.replace(/^api\./, '');
  url.pathname = '/cli/verify';
  return safeBrowserUrl(url.toString());
}

/** Only https (http for loopback) without credentials: anything else is not opened or shown as a link. */
export function safeBrowserUrl(raw: string): URL | undefined {
  if (raw.length > 2048) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.username || url.password) return undefined;
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return url;
  return undefined;
}

function withCode(page: URL, userCode: string): URL {
  const url = new URL(page.toString());
  url.searchParams.set('code', userCode);
  return url;
}

type Outcome =
  | { kind: 'token'; token: string; expiresIn: number | null | undefined; email: string | undefined }
  | { kind: 'pending' }
  | { kind: 'slow-down'; retryAfterMs?: number }
  | { kind: 'bad'; what: string }
  | { kind: 'end'; error: DeviceSignInError };

function classify(poll: Awaited<ReturnType<DeviceClient['pollDeviceToken']>>): Outcome {
  const ok = poll.status >= 200 && poll.status < 300;
  const error = poll.answer?.error ?? undefined;
  const token = poll.answer?.access_token ?? undefined;
  if (ok && typeof token === 'string' && token.length > 0 && !error) return { kind: 'token', token, expiresIn: poll.answer?.expires_in, email: poll.answer?.email ?? undefined };
  switch (error) {
    case 'authorization_pending':
      return { kind: 'pending' };
    case 'slow_down':
      return { kind: 'slow-down', retryAfterMs: poll.retryAfterMs };
    case 'access_denied':
      return { kind: 'end', error: new DeviceSignInError('denied', 'The sign-in was denied in the browser. Nothing was created; run the command again to retry.') };
    case 'expired_token':
      return { kind: 'end', error: expired() };
    case 'invalid_grant':
      return { kind: 'end', error: new DeviceSignInError('expired', 'The sign-in code is no longer valid (already used or unknown). Run the command again for a new code.') };
    case undefined:
    case null:
      break;
    default:
      return { kind: 'end', error: new DeviceSignInError('refused', `The 1Claw API ended the sign-in with "${ERROR_CODE.test(error) ? error : 'an unreadable error'}".`) };
  }
  if (poll.status === 429) return { kind: 'slow-down', retryAfterMs: poll.retryAfterMs };
  // 1Claw's CLI: any non-2xx answer means "still pending" (bounded here by the code's lifetime).
  if (!ok) return { kind: 'pending' };
  return { kind: 'bad', what: poll.answer === undefined ? 'an unreadable body' : 'an empty answer' };
}

function checkedSession(token: string, expiresIn: number | null | undefined, email: string | undefined, now: number): DeviceSession {
  registerSecret(token);
  if (token.length > 16_384 || /\s/.test(token)) throw badAnswer('a session token that is not a token');
  // A device sign-in authenticates a person: an agent's token here would be a server mix-up.
  if (decodeJwtClaims(token)?.sub?.startsWith('agent:')) throw badAnswer('an agent token instead of a human session');
  const lifetime = seconds(expiresIn, DEFAULT_SESSION_S, 1, 86_400);
  const shownEmail = email && email.length <= 254 && /^[^\s@]+@[^\s@]+$/.test(email) ? email : undefined;
  return { token, expiresAt: now + lifetime * 1000, ...(shownEmail ? { email: shownEmail } : {}) };
}

function seconds(value: number | null | undefined, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** A wait that a cancellation cuts short. Without a signal, the clock's sleep: it keeps a CLI process alive (timers are unref'd). */
function pause(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return clock.sleep(ms);
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(cancelled());
    const onAbort = () => {
      timer.dispose();
      reject(cancelled());
    };
    const timer = clock.setTimer(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const cancelled = () => new DeviceSignInError('cancelled', 'Sign-in cancelled. Nothing was created.');
const expired = () => new DeviceSignInError('expired', 'The sign-in code expired before it was approved. Run the command again for a new code.');
const timedOut = (ms: number) => new DeviceSignInError('timeout', `No approval within ${Math.round(ms / 1000)} s; stopped waiting. Nothing was created.`);
const badAnswer = (what: string) => new DeviceSignInError('bad-answer', `The 1Claw API answered the sign-in request with ${what}; sign-in stopped.`);
