// Bundles the extension into dist/extension.js (vscode external, source maps) with the TOML and
// YAML parsers in dist/formats.js, loaded on first use (scripts/lazyFormats.mjs), and the
// `oneclaw` CLI into dist/oneclaw.js (Node >= 18, no dependencies, one self-contained file,
// always the production/minified build), and keeps terraform/scripts/oneclaw.cjs byte-identical
// to it (the Coder module embeds that copy). `--production` minifies the extension.
// `--check-cli [file]` only compares a fresh CLI build with the committed copy (or `file`) and
// exits 1 when they differ. Prints sizes.
import { build } from 'esbuild';
import { FORMATS_FILE, LAZY_PACKAGES, buildFormats, lazyFormatsPlugin } from './lazyFormats.mjs';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';

const CLI_COPY = 'terraform/scripts/oneclaw.cjs';
const production = process.argv.includes('--production');
const checkAt = process.argv.indexOf('--check-cli');

/** The CLI bundle's bytes: deterministic for a given source tree and esbuild version. */
async function buildCli() {
  const result = await build({
    entryPoints: ['src/cli/main.ts'],
    bundle: true,
    write: false,
    outfile: 'dist/oneclaw.js',
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    mainFields: ['module', 'main'],
    minify: true,
    legalComments: 'none',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
  return Buffer.from(result.outputFiles[0].contents);
}

if (checkAt >= 0) {
  const target = process.argv[checkAt + 1] && !process.argv[checkAt + 1].startsWith('--') ? process.argv[checkAt + 1] : CLI_COPY;
  const fresh = await buildCli();
  const committed = existsSync(target) ? readFileSync(target) : Buffer.alloc(0);
  if (!fresh.equals(committed)) {
    console.error(`${target} differs from a fresh production build of src/cli (${committed.length} vs ${fresh.length} bytes): run \`npm run build\` and commit it.`);
    process.exit(1);
  }
  console.log(`${target} is identical to a fresh production build (${fresh.length} bytes).`);
  process.exit(0);
}

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });

const result = await build({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
  // zod/mini and jsonc-parser tree-shake well from their ESM builds.
  mainFields: ['module', 'main'],
  sourcemap: production ? 'external' : 'inline',
  sourcesContent: false,
  minify: production,
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [lazyFormatsPlugin()],
});
await buildFormats(`dist/${FORMATS_FILE}`, { minify: production });

const cli = await buildCli();
writeFileSync('dist/oneclaw.js', cli, { mode: 0o755 });
const copy = existsSync(CLI_COPY) ? readFileSync(CLI_COPY) : undefined;
if (!copy || !copy.equals(cli)) writeFileSync(CLI_COPY, cli, { mode: 0o644 });

const inputs = Object.keys(result.metafile.inputs);
const packages = [...new Set(inputs.filter((i) => i.includes('node_modules/')).map((i) => i.split('node_modules/')[1].split('/').slice(0, i.includes('node_modules/@') ? 2 : 1).join('/')))];
const size = statSync('dist/extension.js').size;
const formatsSize = statSync(`dist/${FORMATS_FILE}`).size;
console.log(`dist/extension.js: ${(size / 1024).toFixed(1)} KB (${production ? 'minified' : 'development'}); bundled packages: ${packages.join(', ') || 'none'}`);
console.log(`dist/${FORMATS_FILE}: ${(formatsSize / 1024).toFixed(1)} KB, loaded on first use: ${Object.keys(LAZY_PACKAGES).join(', ')}`);
console.log(`dist/oneclaw.js: ${(cli.length / 1024).toFixed(1)} KB (minified)${!copy || !copy.equals(cli) ? `; ${CLI_COPY} updated` : ''}`);
