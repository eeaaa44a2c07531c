// The TOML and YAML parsers (smol-toml, yaml) are a third of the extension's bundle, and only
// Codex's and Continue's config files need them. The extension's build replaces each package by
// a stand-in whose exports are getters that require ./formats.js — the two packages bundled on
// their own, shipped beside extension.js — on first use. Our own format editors stay in the
// main bundle (one copy of InvalidConfigError and friends). The oneclaw CLI is not built this
// way: the Coder module embeds it as one file.
import { build } from 'esbuild';
import { createRequire } from 'node:module';

export const LAZY_PACKAGES = { 'smol-toml': 'smolToml', yaml: 'yaml' };
export const FORMATS_FILE = 'formats.js';

const require = createRequire(import.meta.url);

/** esbuild plugin: `import … from 'yaml'` becomes getters over require('./formats.js').yaml. */
export function lazyFormatsPlugin() {
  return {
    name: 'lazy-formats',
    setup(b) {
      const filter = new RegExp(`^(${Object.keys(LAZY_PACKAGES).join('|')})$`);
      b.onResolve({ filter }, (args) => (args.namespace === 'lazy-format' ? undefined : { path: args.path, namespace: 'lazy-format' }));
      b.onResolve({ filter: /^\.\/formats\.js$/, namespace: 'lazy-format' }, () => ({ path: `./${FORMATS_FILE}`, external: true }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-format' }, (args) => {
        // Every export the real package has, so nothing is missing; values are read on access.
        const names = Object.keys(require(args.path)).filter((name) => name !== 'default' && name !== '__esModule');
        const key = JSON.stringify(LAZY_PACKAGES[args.path]);
        const getters = names.map((name) => `Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, get: () => load()[${JSON.stringify(name)}] });`).join('\n');
        return { contents: `let m;\nconst load = () => (m ??= require("./formats.js")[${key}]);\nObject.defineProperty(exports, "__esModule", { value: true });\n${getters}\n`, loader: 'js', resolveDir: process.cwd() };
      });
    },
  };
}

/** dist/formats.js: the lazily loaded packages, one CommonJS file. */
export async function buildFormats(outfile, options = {}) {
  const contents = Object.entries(LAZY_PACKAGES).map(([pkg, key]) => `exports[${JSON.stringify(key)}] = require(${JSON.stringify(pkg)});`).join('\n');
  await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'js', sourcefile: 'formats.js' },
    bundle: true,
    outfile,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    minify: options.minify ?? true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}
