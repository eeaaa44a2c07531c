/**
 * The release path (scripts/release.mjs) in a copy of the repository, with the publishing tools
 * (ovsx, vsce, gh, and npm/npx/curl/wget for good measure) replaced by recorders first on PATH
 * and every node process refusing network calls (support/noNetwork). The dry run packages and
 * stops before the first network call; the real run publishes the same .vsix everywhere, each
 * token only to its own tool and never as an argument; a missing token or changelog entry stops
 * it before anything is published.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../support/fakeContext';

const TOKENS = { OVSX_PAT: 'ovsx-token-6f1d2a', VSCE_PAT: 'vsce-token-93be07', GH_TOKEN: 'gh-token-51c4e8' };
const RECORDED = ['ovsx', 'vsce', 'gh', 'npm', 'npx', 'curl', 'wget'];

interface Call {
  tool: string;
  tokens: string[];
  args: string[];
}

describe('release script (scripts/release.mjs)', function () {
  this.timeout(120_000);
  const version = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  let root: string;
  let copy: string;
  let bin: string;
  const callLog = () => path.join(root, 'calls.log');
  const networkLog = () => path.join(root, 'network.log');
  const vsix = () => path.join(copy, 'release', `vscode-1claw-${version}.vsix`);

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'oneclaw-release-'));
    copy = path.join(root, 'repo');
    // The working tree as it is (tracked and new files), with the dependencies linked.
    const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    for (const file of listed.stdout.split('\0').filter((f) => f !== '' && fs.existsSync(path.join(repoRoot, f)))) {
      fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      fs.copyFileSync(path.join(repoRoot, file), path.join(copy, file));
    }
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(copy, 'node_modules'));
    // What a maintainer does before releasing: the Unreleased entries become the version's.
    const changelog = path.join(copy, 'CHANGELOG.md');
    fs.writeFileSync(changelog, fs.readFileSync(changelog, 'utf8').replace('## [Unreleased]', `## [${version}] - 2026-12-01`));
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'release candidate');
    bin = path.join(root, 'bin');
    fs.mkdirSync(bin);
    for (const tool of RECORDED) {
      // Records its arguments and which tokens it can see (names only); `gh release view` finds nothing.
      const script = `#!/bin/sh\nseen=""\nfor v in OVSX_PAT VSCE_PAT GH_TOKEN GITHUB_TOKEN; do eval "[ -n \\"\\\${$v:-}\\" ]" && seen="$seen $v"; done\n` +
        `printf '%s\\t%s' "${tool}" "$seen" >>"$ONECLAW_CALL_LOG"; for a in "$@"; do printf '\\t%s' "$a" >>"$ONECLAW_CALL_LOG"; done; printf '\\n' >>"$ONECLAW_CALL_LOG"\n` +
        `[ "${tool} $1 $2" = "gh release view" ] && exit 1\nexit "\${ONECLAW_RECORDER_EXIT:-0}"\n`;
      fs.writeFileSync(path.join(bin, tool), script, { mode: 0o755 });
    }
  });

  beforeEach(() => {
    fs.rmSync(callLog(), { force: true });
    fs.rmSync(networkLog(), { force: true });
    fs.rmSync(path.join(copy, 'release'), { recursive: true, force: true });
  });

  after(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  function git(...args: string[]): string {
    const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
    const result = spawnSync('git', args, { cwd: copy, encoding: 'utf8', env });
    assert.equal(result.status, 0, `git ${args.join(' ')}: ${result.stderr}`);
    return result.stdout.trim();
  }

  function release(args: string[], env: Record<string, string> = {}): { status: number | null; output: string } {
    const base: NodeJS.ProcessEnv = {};
    for (const key of ['HOME', 'LANG', 'TMPDIR', 'npm_config_cache']) if (process.env[key] !== undefined) base[key] = process.env[key];
    const result = spawnSync(process.execPath, ['scripts/release.mjs', ...args], {
      cwd: copy,
      encoding: 'utf8',
      timeout: 100_000,
      env: {
        ...base,
        PATH: `${bin}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}/usr/bin:/bin`,
        NODE_OPTIONS: `--require ${path.join(repoRoot, 'out/test/support/noNetwork.js')}`,
        ONECLAW_NETWORK_LOG: networkLog(),
        ONECLAW_CALL_LOG: callLog(),
        ...env,
      },
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  const calls = (): Call[] => (fs.existsSync(callLog()) ? fs.readFileSync(callLog(), 'utf8').trim().split('\n') : []).map((line) => {
    const [tool = '', seen = '', ...args] = line.split('\t');
    return { tool, tokens: seen.trim().split(' ').filter(Boolean), args };
  });
  const networkCalls = () => (fs.existsSync(networkLog()) ? fs.readFileSync(networkLog(), 'utf8') : '');
  const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

  it('--dry-run packages and verifies the .vsix, prints the plan, and stops before any network call', () => {
    const { status, output } = release(['--dry-run'], TOKENS);
    assert.equal(status, 0, output);
    assert.deepEqual(calls(), [], 'a publishing tool ran during the dry run');
    assert.equal(networkCalls(), '', 'a node process tried the network during the dry run');
    const hash = sha256(vsix());
    assert.match(output, new RegExp(`packaged release/vscode-1claw-${version}\\.vsix: .* sha256 ${hash}`));
    assert.equal(fs.readFileSync(`${vsix()}.sha256`, 'utf8'), `${hash}  vscode-1claw-${version}.vsix\n`);
    for (const tool of ['OVSX_PAT=… ovsx publish --packagePath', 'VSCE_PAT=… vsce publish --packagePath', `GH_TOKEN=… gh release create v${version}`]) {
      assert.ok(output.includes(`would run: ${tool} release/vscode-1claw-${version}.vsix`), `plan lacks "${tool}":\n${output}`);
    }
    assert.match(output, /dry run: stopped before the first network call/);
    for (const token of Object.values(TOKENS)) assert.ok(!output.includes(token), 'a token was printed');
    assert.ok(fs.readFileSync(`${vsix()}.notes.md`, 'utf8').includes('### Added'), 'release notes come from the changelog');
  });

  it('publishes the same .vsix to Open VSX, the Marketplace and GitHub, each tool seeing only its own token', () => {
    const { status, output } = release([], TOKENS);
    assert.equal(status, 0, output);
    const file = vsix();
    const head = git('rev-parse', 'HEAD');
    assert.deepEqual(calls(), [
      { tool: 'ovsx', tokens: ['OVSX_PAT'], args: ['publish', '--packagePath', file, '--skip-duplicate'] },
      { tool: 'vsce', tokens: ['VSCE_PAT'], args: ['publish', '--packagePath', file, '--skip-duplicate'] },
      { tool: 'gh', tokens: ['GH_TOKEN'], args: ['release', 'view', `v${version}`] },
      { tool: 'gh', tokens: ['GH_TOKEN'], args: ['release', 'create', `v${version}`, file, `${file}.sha256`, '--title', `v${version}`, '--notes-file', `${file}.notes.md`, '--target', head] },
    ]);
    assert.equal(fs.readFileSync(`${file}.sha256`, 'utf8').split(' ')[0], sha256(file), 'the published file is the one packaged');
    for (const token of Object.values(TOKENS)) assert.ok(!fs.readFileSync(callLog(), 'utf8').includes(token), 'a token was passed as an argument');
    assert.equal(networkCalls(), '');
  });

  it('stops at the first failing tool and says what to do', () => {
    const { status, output } = release([], { ...TOKENS, ONECLAW_RECORDER_EXIT: '1' });
    assert.equal(status, 1);
    assert.deepEqual(calls().map((c) => c.tool), ['ovsx']);
    assert.match(output, /FAILED: ovsx publish exited with 1; fix it and re-run/);
  });

  it('refuses to publish without every token, before building anything', () => {
    const { status, output } = release([], { OVSX_PAT: TOKENS.OVSX_PAT });
    assert.equal(status, 1);
    assert.match(output, /missing VSCE_PAT, GH_TOKEN \(nothing was published\)/);
    assert.deepEqual(calls(), []);
    assert.ok(!fs.existsSync(vsix()), 'packaged although it could not publish');
  });

  it('refuses a version without a changelog section, and a dirty working tree, even in a dry run', () => {
    const changelog = path.join(copy, 'CHANGELOG.md');
    const kept = fs.readFileSync(changelog, 'utf8');
    try {
      fs.writeFileSync(changelog, kept.replace(`## [${version}]`, '## [Unreleased]'));
      const missing = release(['--dry-run']);
      assert.equal(missing.status, 1);
      assert.match(missing.output, new RegExp(`CHANGELOG.md has no "## \\[${version.replace(/\./g, '\\.')}\\]" section`));
      fs.writeFileSync(changelog, `${kept}\nedited\n`);
      const dirty = release(['--dry-run']);
      assert.equal(dirty.status, 1);
      assert.match(dirty.output, /uncommitted changes/);
    } finally {
      fs.writeFileSync(changelog, kept);
    }
    assert.ok(!fs.existsSync(vsix()));
  });
});
