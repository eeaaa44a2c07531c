/** The leak scanner goes red on planted leaks and allows only 0600 credential files. */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCanaries, scanTree } from './leakScan';

describe('reliability: the leak scanner', () => {
  const agentKey = 'ocv_PlantedPlantedPlantedPlantedPlanted123456';
  const secret = 'CANARY-planted-0123456789abcdef01234567';
  const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJwbGFudGVkIjp0cnVlfQ.c2lnbmF0dXJl';
  let root: string;

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'oneclaw-leakscan-'));
    const write = (rel: string, data: string | Buffer, mode = 0o644) => {
      const file = path.join(root, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, data, { mode });
    };
    write('canaries/run-1.txt', `${agentKey}\n${secret}\n${jwt}\nshort\n`);
    write('realhost/home/.1claw/agent.json', JSON.stringify({ agent_api_key: agentKey }), 0o600);
    write('realhost/logs/output.log', `connected with ${agentKey}`);
    write('realhost/home2/.1claw/agent.json', JSON.stringify({ agent_api_key: agentKey }), 0o644);
    write('terraform/home/.claude.json', JSON.stringify({ leaked: secret }), 0o600);
    write('realhost/user/globalStorage/state.vscdb', Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(jwt, 'utf16le')]));
    write('realhost/dom/clean.txt', 'nothing to see');
    // The headers helper's token cache: a token in it is expected (0600); a key, or a loose mode, is not.
    write('realhost/home/.1claw/run/mcp-token-1claw-0123456789ab', `1900000000\n{"Authorization":"Bearer ${jwt}"}\n`, 0o600);
    write('integration/run/user/1000/1claw/mcp-token-1claw-0123456789ab', `1900000000\n{"Authorization":"Bearer ${jwt}"}\n`, 0o644);
    write('realhost/home3/.1claw/run/mcp-token-1claw-ba9876543210', `${agentKey}\n`, 0o600);
    write('realhost/home/.1claw/mcp-helper-1claw.json', JSON.stringify({ cached: jwt }), 0o600);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('loads markers, ignoring fragments too short to scan for', () => {
    assert.deepEqual(loadCanaries(path.join(root, 'canaries')).sort(), [agentKey, secret, jwt].sort());
  });

  it('finds planted leaks (also UTF-16, also by mode) and allows only 0600 credential files, each for what it is meant to hold', () => {
    const { findings, files } = scanTree(root, [agentKey, secret, jwt], (f) => f.includes(`${path.sep}canaries${path.sep}`));
    assert.equal(files, 10);
    const summary = findings.map((f) => `${f.allowed ? 'ok' : 'LEAK'} ${f.kind} ${f.file}`).sort();
    assert.deepEqual(summary, [
      'LEAK JWT integration/run/user/1000/1claw/mcp-token-1claw-0123456789ab',
      'LEAK JWT realhost/home/.1claw/mcp-helper-1claw.json',
      'LEAK JWT realhost/user/globalStorage/state.vscdb',
      'LEAK agent key realhost/home2/.1claw/agent.json',
      'LEAK agent key realhost/home3/.1claw/run/mcp-token-1claw-ba9876543210',
      'LEAK agent key realhost/logs/output.log',
      'LEAK secret value terraform/home/.claude.json',
      'ok JWT realhost/home/.1claw/run/mcp-token-1claw-0123456789ab',
      'ok agent key realhost/home/.1claw/agent.json',
    ]);
  });
});
