/**
 * Mocha `--require` hook: `require('vscode')` resolves to the stub, so the thin editor layer
 * (and the bundle) can be loaded in plain node. Only unit tests use this.
 */
import Module = require('node:module');
import * as path from 'node:path';

const stubPath = path.join(__dirname, 'vscode-stub.js');
const moduleWithResolve = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const original = moduleWithResolve._resolveFilename;
moduleWithResolve._resolveFilename = function resolve(request: string, ...rest: unknown[]): string {
  if (request === 'vscode') return stubPath;
  return original.call(this, request, ...rest);
};
