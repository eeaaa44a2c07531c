/**
 * Where a human credential for an explicit `oneclaw bootstrap` / `oneclaw revoke` comes from:
 * a `1ck_` key on standard input (never an argument: process arguments are public), or a device
 * sign-in, which yields a human session. Device sign-in is added by its own change: it only has
 * to return `{ kind: 'session', token, origin: 'device' }` from `deviceSignIn` below.
 */
import type { HumanCredential } from '../credentials/bootstrap';
import { keyProblem } from '../credentials/keys';
import { UsageError, type ParsedArgs } from './args';
import type { CliConfig } from './config';
import type { CliIo } from './context';

export async function humanCredentialFrom(args: ParsedArgs, io: CliIo, config: CliConfig): Promise<HumanCredential | undefined> {
  const fromStdin = args.switches.has('human-key-stdin');
  const device = args.switches.has('device');
  if (fromStdin && device) throw new UsageError('use either --human-key-stdin or --device');
  if (device) return deviceSignIn(config, io);
  if (!fromStdin) return undefined;
  const key = (await io.readStdin()).trim();
  const problem = keyProblem(key, 'human');
  if (problem) throw new UsageError(`the key on standard input ${problem}`);
  return { kind: 'key', key };
}

/** The seam for device sign-in (RFC 8628 style: show a code and a URL, wait, receive a human session). */
export async function deviceSignIn(_config: CliConfig, _io: CliIo): Promise<HumanCredential> {
  throw new Error('device sign-in is not available in this version of oneclaw; pipe a human key with --human-key-stdin instead');
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
