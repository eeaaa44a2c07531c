// Releases the extension: packages the .vsix ONCE, then publishes those same bytes to Open VSX
// (ovsx), the VS Code Marketplace (vsce) and a GitHub release (gh). `--dry-run` does every local
// step (checks, package, verify, plan) and stops before the first network call.
//
//   npm run release -- --dry-run          what .github/workflows/release.yml runs first
//   npm run release                       needs OVSX_PAT, VSCE_PAT and GH_TOKEN (or GITHUB_TOKEN)
//   --vsix <path>                         where to write the package (default release/<name>-<version>.vsix;
//                                         its .sha256 and release notes are written beside it)
//
// Tokens are read from the environment and each reaches only its own tool, through that tool's
// environment variable: a token is never a process argument (process arguments are public).
// Re-running after a partial failure is safe: both registries skip a version they already have,
// and an existing GitHub release gets the file re-uploaded.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { inflateRawSync } from 'node:zlib';

const repo = path.resolve(import.meta.dirname, '..');
const { values: options } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false }, vsix: { type: 'string' } } });
const dryRun = options['dry-run'];
const log = (line) => console.log(`[release] ${line}`);
const fail = (line) => {
  console.error(`[release] FAILED: ${line}`);
  process.exit(1);
};

// 1. Local checks, before anything is built.
const manifest = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'));
const { name, version, publisher } = manifest;
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version ?? '')) fail(`package.json version "${version}" is not a semantic version`);
const tag = `v${version}`;
const notes = changelogSection(readFileSync(path.join(repo, 'CHANGELOG.md'), 'utf8'), version);
if (notes === undefined) fail(`CHANGELOG.md has no "## [${version}]" section: move the Unreleased entries under it first`);
const dirty = git('status', '--porcelain');
if (dirty !== '') fail(`the working tree has uncommitted changes; release from a clean checkout:\n${dirty}`);
const commit = git('rev-parse', 'HEAD');
const tagged = git('tag', '--list', tag) === '' ? undefined : git('rev-list', '-n', '1', tag);
if (tagged !== undefined && tagged !== commit) fail(`tag ${tag} already exists at ${tagged.slice(0, 12)}, not at HEAD (${commit.slice(0, 12)})`);
const tokens = {
  OVSX_PAT: process.env.OVSX_PAT,
  VSCE_PAT: process.env.VSCE_PAT,
  GH_TOKEN: process.env.GH_TOKEN || process.env.GITHUB_TOKEN,
};
const missing = Object.keys(tokens).filter((key) => !tokens[key]);
if (!dryRun && missing.length > 0) fail(`missing ${missing.join(', ')} (nothing was published)`);
log(`${publisher}.${name} ${version} at ${commit.slice(0, 12)}; tokens: ${Object.keys(tokens).map((key) => `${key} ${tokens[key] ? 'set' : 'NOT set'}`).join(', ')}`);

// 2. Package once: the production bundle and the .vsix.
const vsix = path.resolve(options.vsix ?? path.join(repo, 'release', `${name}-${version}.vsix`));
mkdirSync(path.dirname(vsix), { recursive: true });
run('node', ['scripts/build.mjs', '--production']);
run('node', ['scripts/package.mjs'], { ONECLAW_VSIX: vsix });

// 3. Verify what was packaged, and record its checksum and the release notes beside it.
const bytes = readFileSync(vsix);
const packaged = JSON.parse(zipEntry(bytes, 'extension/package.json') ?? fail(`${vsix} holds no extension/package.json`));
if (packaged.name !== name || packaged.version !== version) fail(`${vsix} holds ${packaged.name} ${packaged.version}, expected ${name} ${version}`);
for (const file of ['dist/extension.js', 'dist/formats.js']) if (zipEntry(bytes, `extension/${file}`) === undefined) fail(`${vsix} holds no extension/${file}`);
const sha256 = createHash('sha256').update(bytes).digest('hex');
writeFileSync(`${vsix}.sha256`, `${sha256}  ${path.basename(vsix)}\n`);
const notesFile = `${vsix}.notes.md`;
writeFileSync(notesFile, `${notes}\n`);
log(`packaged ${path.relative(repo, vsix)}: ${(bytes.length / 1024).toFixed(1)} KB, sha256 ${sha256}`);

// 4. The plan: the same file goes everywhere.
const steps = [
  { what: 'Open VSX', command: 'ovsx', args: ['publish', '--packagePath', vsix, '--skip-duplicate'], token: 'OVSX_PAT' },
  { what: 'VS Code Marketplace', command: 'vsce', args: ['publish', '--packagePath', vsix, '--skip-duplicate'], token: 'VSCE_PAT' },
  { what: 'GitHub release', command: 'gh', args: ['release', 'create', tag, vsix, `${vsix}.sha256`, '--title', tag, '--notes-file', notesFile, '--target', commit], token: 'GH_TOKEN' },
];
for (const step of steps) log(`${dryRun ? 'would run' : 'will run'}: ${step.token}=… ${step.command} ${step.args.map((a) => path.isAbsolute(a) ? path.relative(repo, a) : a).join(' ')}`);
if (dryRun) {
  log('dry run: stopped before the first network call');
  process.exit(0);
}

// 5. Publish. An existing GitHub release (a re-run) gets the files re-uploaded instead.
for (const step of steps) {
  log(`publishing to ${step.what}`);
  if (step.command === 'gh' && tool('gh', ['release', 'view', tag], step.token, 'ignore').status === 0) {
    step.args = ['release', 'upload', tag, vsix, `${vsix}.sha256`, '--clobber'];
  }
  const result = tool(step.command, step.args, step.token, 'inherit');
  if (result.status !== 0) fail(`${step.command} ${step.args[0]} exited with ${result.status ?? result.signal ?? result.error?.message}; fix it and re-run (what is published stays)`);
}
log(`released ${tag}: Open VSX, VS Code Marketplace and GitHub, sha256 ${sha256}`);

/** A local command in the repository; any failure stops the release. */
function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env }, timeout: 300_000 });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal ?? result.error?.message}`);
}

function git(...args) {
  const result = spawnSync('git', args, { cwd: repo, encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) fail(`git ${args.join(' ')}: ${(result.stderr || result.error?.message || '').trim()} (run from a git checkout)`);
  return result.stdout.trim();
}

/** A publishing tool with only its own token (the others removed). Found on PATH, then in node_modules/.bin. */
function tool(command, args, token, stdio) {
  const env = { ...process.env, PATH: `${process.env.PATH}${path.delimiter}${path.join(repo, 'node_modules', '.bin')}` };
  for (const key of [...Object.keys(tokens), 'GITHUB_TOKEN']) delete env[key];
  env[token] = tokens[token];
  return spawnSync(command, args, { cwd: repo, stdio: ['ignore', stdio, stdio], env, timeout: 600_000 });
}

/** The body of "## [version]" (or "## version") up to the next "## " heading, or undefined. */
function changelogSection(text, wanted) {
  const lines = text.split('\n');
  const escaped = wanted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const start = lines.findIndex((line) => new RegExp(`^## \\[?${escaped}\\]?(\\s|$)`).test(line));
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  const body = lines.slice(start + 1, end < 0 ? undefined : end).join('\n').trim();
  return body === '' ? undefined : body;
}

/** One file of a zip (stored or deflated), read through the central directory; undefined if absent. */
function zipEntry(zip, wanted) {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) fail('the .vsix is not a zip file');
  let offset = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    const method = zip.readUInt16LE(offset + 10);
    const size = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const skip = zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    if (zip.toString('utf8', offset + 46, offset + 46 + nameLength) === wanted) {
      const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const raw = zip.subarray(data, data + size);
      return (method === 8 ? inflateRawSync(raw) : raw).toString('utf8');
    }
    offset += 46 + nameLength + skip;
  }
  return undefined;
}
