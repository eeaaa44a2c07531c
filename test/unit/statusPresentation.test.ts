import * as assert from 'node:assert/strict';
import type { ConnectionState, Session } from '../../src/credentials/state';
import { countdown, presentStatus } from '../../src/views/statusPresentation';
import { COMMANDS } from '../../src/views/ids';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const session: Session = { vaultId: '11111111-2222-4333-8444-555555555555', vaultName: 'coder-workspace', agentId: '99999999-2222-4333-8444-555555555555', agentName: 'coder-alice-dev', source: 'environment', expiresAt: NOW + 42 * 60_000, lastRefresh: NOW - 60_000 };
const ctx = { now: NOW, mcpClients: ['code-server', 'Claude Code'] };

describe('status bar presentation', () => {
  // Each state: the item's text, what a click runs, its colour, and a tooltip that says the state
  // (with the server's words where there are any) and what the click does.
  const cases: Array<[ConnectionState, RegExp, string, 'warning' | 'error' | undefined, RegExp]> = [
    // Device sign-in is the first choice, as in the welcome view (no key typed).
    [{ kind: 'notConfigured' }, /^\$\(key\) 1Claw: Set up$/, COMMANDS.signIn, undefined, /^\*\*1Claw is not set up for this workspace\.\*\*\n\nClick to sign in in your browser/],
    [{ kind: 'bootstrapping', step: 'create agent' }, /Bootstrapping/, COMMANDS.showLog, undefined, /^\*\*Creating the workspace agent\*\* — step: create agent\.$/],
    [{ kind: 'connecting', source: 'environment' }, /Connecting/, COMMANDS.showLog, undefined, /^\*\*Connecting to 1Claw\*\* — exchanging the agent key for a token\.$/],
    [{ kind: 'connected', session }, /^\$\(shield\) 1Claw: coder-workspace$/, COMMANDS.showTokenStatus, undefined, /^\*\*1Claw: connected\*\* {2}\n/],
    [{ kind: 'refreshing', session }, /^\$\(sync~spin\) 1Claw: coder-workspace$/, COMMANDS.showTokenStatus, undefined, /^\*\*1Claw: connected\*\* \(renewing token…\) {2}\n/],
    [{ kind: 'offline', retryAt: NOW + 30_000, error: 'ECONNREFUSED', lastGood: session }, /Offline, retrying in 30 s/, COMMANDS.showTokenStatus, 'warning', /^\*\*1Claw is unreachable\.\*\* ECONNREFUSED\n\nNext attempt at [\s\S]*\n\nClick for details\.$/],
    [{ kind: 'revoked', message: 'refused' }, /Revoked/, COMMANDS.rebootstrap, 'error', /^\*\*Access revoked\.\*\* refused\n\nClick to re-bootstrap\.$/],
    [{ kind: 'error', message: 'bad URL', nextStep: 'fix it' }, /Error/, COMMANDS.showTokenStatus, 'error', /^\*\*1Claw could not connect\.\*\* bad URL\n\nNext step: fix it\n\nClick for details\.$/],
  ];
  for (const [state, text, command, background, tooltip] of cases) {
    it(`shows ${state.kind}: text, click action, colour and a tooltip that says what is happening`, () => {
      const view = presentStatus(state, ctx);
      assert.match(view.text, text);
      assert.equal(view.command, command);
      assert.equal(view.background, background);
      assert.match(view.tooltip, tooltip);
    });
  }

  it('not configured: the tooltip leads to signing in in the browser, the human key second', () => {
    const tip = presentStatus({ kind: 'notConfigured' }, ctx).tooltip;
    assert.match(tip, /Click to sign in in your browser and bootstrap a workspace agent/);
    assert.match(tip, /Paste a Human API Key Instead/);
  });

  it('puts agent, vault, expiry countdown, MCP clients and last refresh in the connected tooltip', () => {
    const tip = presentStatus({ kind: 'connected', session }, ctx).tooltip;
    for (const part of ['coder\\-workspace', 'coder\\-alice\\-dev', 'Token expires: 42 min', 'MCP clients: code\\-server, Claude Code', 'Last refresh:']) assert.ok(tip.includes(part), `${part} missing from ${tip}`);
  });

  it('says when the next retry is and that the last token still works while offline', () => {
    const tip = presentStatus({ kind: 'offline', retryAt: NOW + 30_000, error: '503 Service Unavailable', lastGood: session }, ctx).tooltip;
    assert.match(tip, /Next attempt at/);
    assert.match(tip, /Still using the last token until/);
  });

  it('gives the next step in the error tooltip, and never lets server text become markup or icons', () => {
    const tip = presentStatus({ kind: 'error', message: '[click](command:evil) $(alert)', nextStep: 'Set ONECLAW_VAULT_ID' }, ctx).tooltip;
    assert.match(tip, /Next step: Set ONECLAW\\_VAULT\\_ID/);
    assert.ok(!tip.includes('[click](command:evil)'));
    const text = presentStatus({ kind: 'connected', session: { ...session, vaultName: '$(bug) sneaky vault with a very long name indeed, longer than forty' } }, ctx).text;
    assert.ok(!text.includes('$(bug)'));
    assert.ok(text.length < 70);
  });

  it('formats countdowns', () => {
    assert.equal(countdown(-5), 'now');
    assert.equal(countdown(35_000), '35 s');
    assert.equal(countdown(42 * 60_000), '42 min');
    assert.equal(countdown(125 * 60_000), '2 h 5 min');
  });
});
