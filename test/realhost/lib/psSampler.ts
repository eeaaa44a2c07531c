// Samples `ps -eo pid,ppid,pgid,args` every ~2 s while a scenario runs, so a later scan can
// check that no credential ever appeared in any process's command line.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';

export interface PsSampler {
  samples(): number;
  stop(): Promise<void>;
}

export function startPsSampler(file: string, intervalMs = 2000): PsSampler {
  let count = 0;
  let stopped = false;
  let pending: Promise<void> = Promise.resolve();
  const sample = (): Promise<void> =>
    new Promise((resolve) => {
      execFile('ps', ['-eo', 'pid,ppid,pgid,args', '--no-headers'], { timeout: 5000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
        const header = `=== ${new Date().toISOString()}${error ? ` (ps failed: ${error.message})` : ''}\n`;
        fs.appendFileSync(file, header + (stdout ?? ''));
        count += 1;
        resolve();
      });
    });
  pending = sample();
  const timer = setInterval(() => {
    if (!stopped) pending = pending.then(sample);
  }, intervalMs);
  return {
    samples: () => count,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await pending;
      await sample();
    },
  };
}
