/**
 * Issue 16.7: both 1Claw domains work, the defaults follow the official tools (0.63: api.1claw.co
 * and mcp.1claw.co/mcp), and a setting or variable overrides them. Pointing only the API at one
 * of 1Claw's domains moves the MCP default to the same domain; anything else is left alone.
 */
import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from '../../src/cli/args';
import { CONFIG_FLAGS, loadConfig } from '../../src/cli/config';
import { oneClawHome } from '../../src/credentials/home';
import { DEFAULT_SETTINGS, resolveEndpoints, type ExtensionSettings } from '../../src/settings';
import { repoRoot } from '../support/fakeContext';

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default?: unknown }> } } };
const resolve = (env: { baseUrl?: string; mcpUrl?: string }, settings: Partial<ExtensionSettings> = {}) => {
  const result = resolveEndpoints({ problems: [], ...env }, { ...DEFAULT_SETTINGS, ...settings });
  assert.ok(result.ok, JSON.stringify(result));
  return result.endpoints;
};

describe('1Claw hosts (.co and .xyz)', () => {
  it('defaults to the hosts the official MCP server and docs use now, in code and in the manifest', () => {
    assert.equal(DEFAULT_SETTINGS.apiBaseUrl, 'https://api.1claw.co');
    assert.equal(DEFAULT_SETTINGS.mcpUrl, 'https://mcp.1claw.co/mcp');
    const props = manifest.contributes.configuration.properties;
    assert.equal(props['oneclaw.apiBaseUrl']!.default, DEFAULT_SETTINGS.apiBaseUrl);
    assert.equal(props['oneclaw.mcpUrl']!.default, DEFAULT_SETTINGS.mcpUrl);
  });

  it('keeps the API and MCP hosts on the same 1Claw domain when only the API is overridden', () => {
    assert.deepEqual(resolve({ baseUrl: 'https://api.1claw.xyz' }), { apiBaseUrl: 'https://api.1claw.xyz', mcpUrl: 'https://mcp.1claw.xyz/mcp' });
    assert.deepEqual(resolve({}, { apiBaseUrl: 'https://api.1claw.xyz' }), { apiBaseUrl: 'https://api.1claw.xyz', mcpUrl: 'https://mcp.1claw.xyz/mcp' });
    assert.deepEqual(resolve({}), { apiBaseUrl: 'https://api.1claw.co', mcpUrl: 'https://mcp.1claw.co/mcp' });
  });

  it('lets an explicit MCP URL (variable or setting) win, whatever the API host', () => {
    assert.equal(resolve({ baseUrl: 'https://api.1claw.xyz', mcpUrl: 'https://mcp.1claw.co/mcp' }).mcpUrl, 'https://mcp.1claw.co/mcp');
    assert.equal(resolve({ baseUrl: 'https://api.1claw.co' }, { mcpUrl: 'https://mcp.1claw.xyz/mcp' }).mcpUrl, 'https://mcp.1claw.xyz/mcp');
    // A host that is not 1Claw's (a proxy, the emulator) says nothing about the MCP host.
    assert.equal(resolve({ baseUrl: 'http://127.0.0.1:8443' }).mcpUrl, DEFAULT_SETTINGS.mcpUrl);
    assert.equal(resolve({ baseUrl: 'https://secrets.example.com' }).mcpUrl, DEFAULT_SETTINGS.mcpUrl);
  });

  it('the CLI pairs the hosts the same way', async () => {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-hosts-'));
    try {
      const args = (...argv: string[]) => parseArgs(['status', ...argv], { values: CONFIG_FLAGS, switches: [] });
      const config = await loadConfig(args('--api-base-url', 'https://api.1claw.xyz'), oneClawHome(home));
      assert.equal(config.mcpUrl, 'https://mcp.1claw.xyz/mcp');
      const defaults = await loadConfig(args(), oneClawHome(home));
      assert.deepEqual([defaults.apiBaseUrl, defaults.mcpUrl], ['https://api.1claw.co', 'https://mcp.1claw.co/mcp']);
    } finally {
      await fs.rm(home, { recursive: true, force: true });
    }
  });
});
