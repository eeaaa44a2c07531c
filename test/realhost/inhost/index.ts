// Entry point VS Code loads in the extension host (extensionTestsPath): runs the mocha suite of
// the scenario the runner chose (ONECLAW_TEST_SCENARIO) and resolves or rejects with its result.
// The host then reports the exit code to the page (codeAutomationExit).
import * as path from 'node:path';
import Mocha from 'mocha';
import { report } from './support';

const SUITES: Record<string, string> = {
  agent: 'agent.test.js',
  bootstrap: 'bootstrap.test.js',
  signin: 'signin.test.js',
  keys: 'keys.test.js',
};

/** Prints each result as it happens and forwards it to the runner. */
class HostReporter {
  private chain: Promise<void> = Promise.resolve();
  static last: HostReporter | undefined;

  constructor(runner: Mocha.Runner) {
    HostReporter.last = this;
    const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_RUN_END, EVENT_SUITE_BEGIN } = Mocha.Runner.constants;
    let passes = 0;
    let failures = 0;
    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      if (suite.title) console.log(`[1claw-realhost] suite: ${suite.fullTitle()}`);
    });
    runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
      passes += 1;
      console.log(`[1claw-realhost]   ✓ ${test.title} (${test.duration ?? 0} ms)`);
      this.send({ event: 'pass', title: test.title, durationMs: test.duration });
    });
    runner.on(EVENT_TEST_FAIL, (test: Mocha.Test, error: Error) => {
      failures += 1;
      const message = error?.stack ?? String(error);
      console.log(`[1claw-realhost]   ✗ ${test.fullTitle()}\n${message}`);
      this.send({ event: 'fail', title: test.title, error: message, durationMs: test.duration });
    });
    runner.once(EVENT_RUN_END, () => {
      console.log(`[1claw-realhost] ${passes} passing, ${failures} failing`);
      this.send({ event: 'end', passes, failures });
    });
  }

  private send(event: Record<string, unknown>): void {
    this.chain = this.chain.then(() => report(event));
  }

  flushed(): Promise<void> {
    return this.chain;
  }
}

export async function run(): Promise<void> {
  const scenario = process.env.ONECLAW_TEST_SCENARIO ?? '';
  const file = SUITES[scenario];
  if (!file) throw new Error(`ONECLAW_TEST_SCENARIO must be one of ${Object.keys(SUITES).join(', ')} (got "${scenario}")`);
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, slow: 5_000, color: false, reporter: HostReporter as unknown as string });
  mocha.addFile(path.join(__dirname, file));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  await HostReporter.last?.flushed();
  if (failures > 0) throw new Error(`${failures} in-host test(s) failed`);
}
