/**
 * Whether an AI client is present here: its binary on PATH, or one of its marker paths (its
 * config directory, usually) exists. Only present clients are registered automatically, so no
 * config directory is ever created for a client that is not installed. Synchronous and cheap (a
 * few stat calls): it runs at every registration pass.
 */
import { accessSync, constants as fsConstants, existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { ClientPresence, PathContext } from './client';

export interface Presence {
  present: boolean;
  /** Why, for the log and the views: "`codex` on PATH", "~/.codex exists", or what was looked for. */
  evidence: string;
}

export function detectPresence(presence: ClientPresence, ctx: PathContext): Presence {
  for (const name of presence.binaries) {
    if (findOnPath(name, ctx.env)) return { present: true, evidence: `\`${name}\` on PATH` };
  }
  const markers = presence.markers(ctx);
  for (const marker of markers) {
    if (existsSync(marker)) return { present: true, evidence: `${tilde(marker, ctx.home)} exists` };
  }
  const looked = [...presence.binaries.map((b) => `\`${b}\` on PATH`), ...markers.map((m) => tilde(m, ctx.home))];
  return { present: false, evidence: looked.length ? `no ${looked.join(', no ')}` : 'nothing to look for' };
}

/** An executable regular file named `name` in an absolute PATH directory. */
export function findOnPath(name: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** `~/…` for paths under the home directory (shorter in the views; never a secret either way). */
export function tilde(file: string, home: string): string {
  return file === home ? '~' : file.startsWith(`${home}/`) ? `~/${file.slice(home.length + 1)}` : file;
}

/** `$XDG_CONFIG_HOME` when it is absolute, else `~/.config` (OpenCode, Kilo, Zed). */
export function xdgConfigHome(ctx: PathContext): string {
  const xdg = ctx.env.XDG_CONFIG_HOME;
  return xdg && path.isAbsolute(xdg) ? xdg : path.join(ctx.home, '.config');
}

/** A directory named by an environment variable when it is set and absolute, else the default. */
export function dirFromEnv(ctx: PathContext, variable: string, fallback: string): string {
  const value = ctx.env[variable];
  return value && value.trim() !== '' && path.isAbsolute(value) ? value : fallback;
}
