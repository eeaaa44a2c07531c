// ESLint (flat config) with typescript-eslint: `npm run lint`, a stage of `npm test`.
// Rules that catch bugs and keep the architecture; formatting and style are not linted.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'test-results/', '.bench/', 'terraform/scripts/*.cjs'] },
  // An `eslint-disable` comment that disables nothing is an error, so none can go stale.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Stripping control characters from untrusted text (paths, API answers, logs) is deliberate here.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // An un-awaited promise is a rejection nobody handles (the extension host reports it far
      // from its cause). Mark a deliberate fire-and-forget with `void`.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
    },
  },
  {
    // The architecture rules (DESIGN.md): the core (api, credentials, mcp, cli, views, util) is
    // plain TypeScript that runs in node; only the thin editor layer and the composition root
    // talk to the editor (type-only and `import x = require()` imports count too).
    files: ['src/**/*.ts'],
    ignores: ['src/editor/**', 'src/extension.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'Only src/editor/** and src/extension.ts may import vscode: pass what the core needs in from the editor layer.' }],
      }],
    },
  },
  {
    // Nothing in src/ prints except the CLI's output module, which redacts every line.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/output.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // Files in src/ stay under 400 lines: past that, a module has more than one job.
    files: ['src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  {
    // Tests load bundles and stubs at run time (after setting HOME and the environment) and stand
    // in for editor objects, which is what require() and `any` are for there.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    // The module's scripts run with the workspace's node as CommonJS.
    files: ['terraform/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    // `const crypto = require('crypto')` shadows node's global of the same name on purpose.
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-redeclare': ['error', { builtinGlobals: false }] },
  },
);
