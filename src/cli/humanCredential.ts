/**
 * Where a human credential for an explicit `oneclaw bootstrap` / `oneclaw revoke` comes from:
 * a `1ck_` key on standard input (never an argument: process arguments are public), or a device
 * sign-in (src/credentials/deviceSignIn.ts), which yields a short-lived human session: the
 * person approves a code in a browser and no key reaches this machine.
 */
import type { HumanCredential } from '../credentials/bootstrap';
import { deviceCredential, deviceSignIn as signInWithDevice, endDeviceSession, type DevicePrompt } from '../credentials/deviceSignIn';
import { keyProblem } from '../credentials/keys';
import { emailProblem } from '../credentials/selfEnrolment';
import { single, UsageError, type ParsedArgs } from './args';
import type { CliConfig } from './config';
import { cliClient, type CliIo } from './context';

export async function humanCredentialFrom(args: ParsedArgs, io: CliIo, config: CliConfig): Promise<HumanCredential | undefined> {
  const fromStdin = args.switches.has('human-key-stdin');
  const device = args.switches.has('device');
  if (fromStdin && device) throw new UsageError('use either --human-key-stdin or --device');
  const email = args.values.has('email') ? single(args, 'email') : undefined;
  if (email !== undefined && (email === '' || emailProblem(email))) throw new UsageError('--email is not an email address');
  if (email !== undefined && !device) throw new UsageError('--email goes with --device');
  if (device) return deviceSignIn(config, io, { email });
  if (!fromStdin) return undefined;
  const key = (await io.readStdin()).trim();
  const problem = keyProblem(key, 'human');
  if (problem) throw new UsageError(`the key on standard input ${problem}`);
  return { kind: 'key', key };
}

/**
 * Device sign-in: print the code and the URL in one block (the Coder start-up log shows it),
 * wait for the approval — at most `waitSeconds` when given (the module's `wait_seconds`), else
 * for the code's lifetime — and return the human session.
 */
export async function deviceSignIn(config: CliConfig, io: CliIo, options: { email?: string; waitSeconds?: number } = {}): Promise<HumanCredential> {
  const session = await signInWithDevice(cliClient(config, io, 30_000), {
    email: options.email,
    maxWaitMs: options.waitSeconds === undefined ? undefined : options.waitSeconds * 1000,
    logger: io.out.logger,
    onPrompt: (prompt) => {
      // Line by line, so each carries the [1claw] prefix in a shared start-up log.
      for (const line of signInBlock(prompt, options.waitSeconds, io.now?.() ?? Date.now())) io.out.note(line);
    },
  });
  io.out.note(`signed in${session.email ? ` as ${session.email}` : ''}; creating this workspace's agent (the sign-in session is revoked afterwards).`);
  return deviceCredential(session);
}

/** Revoke a device session an enrolment did not use (a bootstrap revokes the one it uses). */
export async function releaseDeviceSession(human: HumanCredential, config: CliConfig, io: CliIo): Promise<void> {
  if (human.kind !== 'session' || human.origin !== 'device') return;
  await endDeviceSession(cliClient(config, io, 15_000), { token: human.token, expiresAt: 0 }, io.out.logger);
}

/** One block, easy to spot in a start-up log: where to go, the code, how long it waits. */
function signInBlock(prompt: DevicePrompt, waitSeconds: number | undefined, now: number): string[] {
  const lifetimeS = Math.max(0, Math.round((prompt.expiresAt - now) / 1000));
  const waitS = waitSeconds === undefined ? lifetimeS : Math.min(waitSeconds, lifetimeS);
  const rule = '='.repeat(64);
  return [
    rule,
    '1Claw sign-in: approve this workspace in your browser (no key is typed or stored here).',
    `  Open:  ${prompt.openUrl}`,
    `  Code:  ${prompt.userCode}   (check it matches the code the page shows)`,
    `Waiting up to ${waitS >= 120 ? `${Math.round(waitS / 60)} min` : `${waitS} s`} for the approval…`,
    rule,
  ];
}

/** Read standard input whole (bounded), for a key piped in. */
export function readProcessStdin(limitBytes = 4096): Promise<string> {
  return new Promise((resolve, reject) => {
    if (process.stdin.isTTY) return reject(new UsageError('--human-key-stdin expects the key on standard input (pipe it in)'));
    const chunks: Buffer[] = [];
    let size = 0;
    process.stdin.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        process.stdin.destroy();
        reject(new UsageError('standard input is too long for a key'));
        return;
      }
      chunks.push(chunk);
    });
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}
