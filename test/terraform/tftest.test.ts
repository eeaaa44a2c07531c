// The module's own `terraform test` files (*.tftest.hcl, the Coder registry's test format).
// The sub-modules use only the built-in provider, so their tests RUN here, for real, against the
// local 1Claw API emulator. main.tftest.hcl mocks the coder provider, which `terraform test`
// must still download: it cannot run offline, so it is only checked to be formatted and to
// parse, and the summary says "not run here" (test/run-all.sh prints that line; never a pass).
import { parse } from '@cdktf/hcl2json';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../emulator';
import { MODULE_DIR, RESULTS_DIR, TERRAFORM, assertNoCredentials, requireModuleTools, resultsDir, run, tempDir, terraformEnv } from './helpers';

/** One line per .tftest.hcl file, read by test/run-all.sh for its summary. */
export const TFTEST_SUMMARY = path.join(RESULTS_DIR, 'tftest-summary.txt');

function summarise(line: string): void {
  fs.mkdirSync(path.dirname(TFTEST_SUMMARY), { recursive: true });
  fs.appendFileSync(TFTEST_SUMMARY, `${line}\n`);
}

describe('terraform test: the module\'s *.tftest.hcl files', function () {
  this.timeout(300_000);
  let emulator: Emulator;
  let copy: string;
  let results: string;

  before(async function () {
    requireModuleTools();
    results = resultsDir('tftest');
    fs.rmSync(TFTEST_SUMMARY, { force: true });
    emulator = await startEmulator({ seed: 'demo' });
    // A copy, so that terraform init/test leave nothing in the source tree.
    copy = path.join(tempDir('tftest'), 'terraform');
    fs.cpSync(MODULE_DIR, copy, { recursive: true, filter: (source) => !/[\\/]\.terraform(\.lock\.hcl)?$/.test(source) });
  });

  after(async function () {
    await emulator?.close();
  });

  for (const [dir, agentName] of [
    ['modules/provision', 'tftest-agent'],
    ['modules/session', ''],
  ] as const) {
    it(`${dir}: runs for real against the emulator (${agentName === '' ? 'exchange, re-apply, failures' : 'apply, re-apply, replacement, failures, destroy'})`, async function () {
      const cwd = path.join(copy, dir);
      const log = path.join(results, `${dir.replace(/\//g, '-')}.log`);
      const key = emulator.demo?.humanKey ?? '';
      const init = await run(TERRAFORM, ['init', '-input=false', '-no-color'], { cwd, env: terraformEnv(), logFile: log });
      assert.equal(init.code, 0, init.output);
      const exchanges = emulator.stats().humanTokenExchanges;
      // The key goes through the environment (never the command line), as on a Coder provisioner.
      const test = await run(TERRAFORM, ['test', '-no-color', `-var=base_url=${emulator.url}`], {
        cwd,
        env: terraformEnv({ TF_VAR_api_key: key, ONECLAW_MASTER_API_KEY: key }),
        logFile: log,
        timeoutMs: 240_000,
      });
      const passed = /Success! (\d+) passed, 0 failed\./.exec(test.output);
      summarise(`${test.code === 0 && passed !== null ? 'PASS    ' : 'FAIL    '}        terraform test ${dir}/${path.basename(dir)}.tftest.hcl: ${passed === null ? 'failed' : `${passed[1] ?? '?'} passed, 0 failed`} (run for real against the local emulator)`);
      assert.equal(test.code, 0, test.output);
      assert.ok(passed !== null && Number(passed[1]) >= 3, test.output);
      if (agentName !== '') {
        assert.equal(emulator.listAgents().filter((agent) => agent.name === agentName).length, 0, 'terraform test left an agent behind: destroy did not run');
        assert.equal(emulator.stats().humanTokenExchanges, exchanges, 'provisioning called the auth route');
      } else {
        assert.equal(emulator.stats().humanTokenExchanges, exchanges + 1, 'the session module must exchange exactly once');
      }
      const leftovers = fs.readdirSync(path.join(cwd, '.terraform'), { recursive: true }).map(String).filter((name) => name.endsWith('.json') && name.includes('oneclaw'));
      assert.deepEqual(leftovers, [], 'a result file (it may hold a key) was left behind');
    });
  }

  it('main.tftest.hcl (mock_provider "coder"): checks only that it is formatted and parses; its runs are NOT RUN here (needs the coder provider)', async function () {
    const file = path.join(MODULE_DIR, 'main.tftest.hcl');
    const fmt = await run(TERRAFORM, ['fmt', '-check', '-no-color', file], { env: terraformEnv() });
    assert.equal(fmt.code, 0, `terraform fmt -check: ${fmt.output}`);
    const parsed = (await parse('main.tftest.hcl', fs.readFileSync(file, 'utf8'))) as { mock_provider?: Record<string, unknown>; run?: Record<string, { command?: string; assert?: unknown[]; expect_failures?: unknown }[]> };
    assert.ok(parsed.mock_provider?.['coder'] !== undefined, 'main.tftest.hcl must mock the coder provider');
    const runs = Object.entries(parsed.run ?? {});
    assert.ok(runs.length >= 8, `only ${runs.length} runs`);
    for (const [name, [body]] of runs) {
      assert.equal(body?.command, '${plan}', `run "${name}": plan only (an apply would run the provisioning steps)`);
      assert.ok((body?.assert?.length ?? 0) > 0 || body?.expect_failures !== undefined, `run "${name}" checks nothing`);
    }
    summarise(`NOT RUN         terraform test main.tftest.hcl, ${runs.length} runs (not run here (needs the coder provider); checked only: terraform fmt, parses, plan-only runs)`);
  });

  it('no key or JWT in any log of terraform test', function () {
    assertNoCredentials(results, emulator.canaries());
  });
});
