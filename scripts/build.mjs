// Bundles the extension into dist/extension.js (vscode external, source maps) and copies the
// MCP headers helper beside it. `--production` minifies. Prints the bundle size.
import { build } from 'esbuild';
import { copyFileSync, chmodSync, mkdirSync, statSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
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
});

copyFileSync('terraform/scripts/oneclaw-mcp-headers.sh', 'dist/oneclaw-mcp-headers.sh');
chmodSync('dist/oneclaw-mcp-headers.sh', 0o755);

const inputs = Object.keys(result.metafile.inputs);
const packages = [...new Set(inputs.filter((i) => i.includes('node_modules/')).map((i) => i.split('node_modules/')[1].split('/').slice(0, i.includes('node_modules/@') ? 2 : 1).join('/')))];
const size = statSync('dist/extension.js').size;
console.log(`dist/extension.js: ${(size / 1024).toFixed(1)} KB (${production ? 'minified' : 'development'}); bundled packages: ${packages.join(', ') || 'none'}`);
