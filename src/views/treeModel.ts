/**
 * The tree of secret paths, built lazily: a folder groups its subtree's entries only when it is
 * first expanded, so the first level of a 100,000-path vault appears without building the rest.
 * Everything here is metadata; a secret value cannot reach this module (the API schema has none).
 */
import type { SecretMetadata, Vault } from '../api/schemas';

export const HIDDEN_VAULTS = new Set(['__agent-keys']);
const EXPIRING_SOON_MS = 7 * 24 * 60 * 60 * 1000;

export type ExpiryFlag = 'none' | 'expiring' | 'expired' | 'disabled';

export interface SecretNode {
  kind: 'secret';
  id: string;
  name: string;
  path: string;
  secret: SecretMetadata;
  flag: ExpiryFlag;
}

export interface FolderNode {
  kind: 'folder';
  id: string;
  name: string;
  /** Prefix without a trailing slash, e.g. "db/prod". */
  path: string;
  /** Lookup key for `children`: depth and path, so "" at depth 1 (a leading "/") differs from the root. */
  key: string;
  /** Number of secrets below this folder. */
  count: number;
}

export type PathNode = SecretNode | FolderNode;

interface Entry {
  secret: SecretMetadata;
  segments: string[];
}

const ROOT_KEY = '0:';
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export class SecretTree {
  private readonly folders = new Map<string, Entry[]>();
  private readonly built = new Map<string, PathNode[]>();
  readonly total: number;

  constructor(
    readonly vaultId: string,
    secrets: readonly SecretMetadata[],
    private readonly now: number,
    filter = '',
  ) {
    const matches = secretFilter(filter);
    const entries: Entry[] = [];
    for (const secret of secrets) {
      if (matches(secret.path)) entries.push({ secret, segments: secret.path.split('/') });
    }
    this.total = entries.length;
    this.folders.set(ROOT_KEY, entries);
  }

  /** The key of the folder at `path` ('' is the vault root). */
  static keyOf(path: string): string {
    return path === '' ? ROOT_KEY : `${path.split('/').length}:${path}`;
  }

  roots(): PathNode[] {
    return this.children(ROOT_KEY);
  }

  /** Children of the folder with this key (see `keyOf`), folders first, then by name. */
  children(key: string): PathNode[] {
    const cached = this.built.get(key);
    if (cached) return cached;
    const entries = this.folders.get(key);
    if (!entries) return [];
    const depth = Number(key.slice(0, key.indexOf(':')));
    const prefix = key.slice(key.indexOf(':') + 1);
    const subfolders = new Map<string, Entry[]>();
    const leaves: SecretNode[] = [];
    for (const entry of entries) {
      const name = entry.segments[depth] ?? '';
      if (entry.segments.length === depth + 1) {
        leaves.push({ kind: 'secret', id: `${this.vaultId}/s/${entry.secret.path}`, name, path: entry.secret.path, secret: entry.secret, flag: expiryFlag(entry.secret, this.now) });
      } else {
        let bucket = subfolders.get(name);
        if (!bucket) subfolders.set(name, (bucket = []));
        bucket.push(entry);
      }
    }
    const folderNodes: FolderNode[] = [];
    for (const [name, bucket] of subfolders) {
      const path = depth === 0 ? name : `${prefix}/${name}`;
      const folderKey = `${depth + 1}:${path}`;
      this.folders.set(folderKey, bucket);
      folderNodes.push({ kind: 'folder', id: `${this.vaultId}/d/${folderKey}`, name, path, key: folderKey, count: bucket.length });
    }
    folderNodes.sort((a, b) => collator.compare(a.name, b.name));
    leaves.sort((a, b) => collator.compare(a.name, b.name));
    const nodes: PathNode[] = [...folderNodes, ...leaves];
    this.built.set(key, nodes);
    return nodes;
  }
}

/** A path filter: text with a "/" is a prefix, anything else matches anywhere; case-insensitive. */
export function secretFilter(filter: string): (path: string) => boolean {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return () => true;
  if (needle.includes('/')) return (path) => path.toLowerCase().startsWith(needle);
  return (path) => path.toLowerCase().includes(needle);
}

export function expiryFlag(secret: SecretMetadata, now: number): ExpiryFlag {
  if (secret.is_disabled) return 'disabled';
  if (!secret.expires_at) return 'none';
  const expires = Date.parse(secret.expires_at);
  if (Number.isNaN(expires)) return 'none';
  if (expires <= now) return 'expired';
  if (expires - now <= EXPIRING_SOON_MS) return 'expiring';
  return 'none';
}

/** The vaults to show: internal ones hidden, the workspace's vault first, then by name. */
export function visibleVaults(vaults: readonly Vault[], workspaceVaultId: string | undefined): Vault[] {
  return vaults
    .filter((vault) => !HIDDEN_VAULTS.has(vault.name))
    .sort((a, b) => (a.id === workspaceVaultId ? -1 : b.id === workspaceVaultId ? 1 : collator.compare(a.name, b.name)));
}

/** Codicon for a secret type (the spec's and the docs' vocabularies both appear in the wild). */
export function typeIcon(type: string): string {
  switch (type) {
    case 'api_key':
      return 'key';
    case 'password':
      return 'lock';
    case 'certificate':
      return 'workspace-trusted';
    case 'private_key':
    case 'ssh_key':
      return 'terminal';
    case 'env':
    case 'env_bundle':
      return 'symbol-namespace';
    case 'file':
      return 'file';
    case 'note':
      return 'note';
    default:
      return 'symbol-string';
  }
}

/** Labels must stay on one line and readable whatever the server sent. */
export function displayName(name: string, maxLength = 120): string {
  if (name === '') return '(empty segment)';
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '\uFFFD');
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

export function describeSecret(secret: SecretMetadata, now: number): string[] {
  const flag = expiryFlag(secret, now);
  const lines = [`Path: ${displayName(secret.path, 500)}`, `Type: ${secret.type}`, `Version: ${secret.version}`, `Created: ${formatDate(secret.created_at)}`];
  if (secret.expires_at) lines.push(`Expires: ${formatDate(secret.expires_at)}${flag === 'expired' ? ' (expired)' : flag === 'expiring' ? ` (in ${daysUntil(secret.expires_at, now)} days)` : ''}`);
  else lines.push('Expires: never');
  if (flag === 'disabled') lines.push('Status: disabled');
  return lines;
}

function formatDate(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? displayName(iso, 60) : new Date(time).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function daysUntil(iso: string, now: number): number {
  return Math.max(0, Math.ceil((Date.parse(iso) - now) / (24 * 60 * 60 * 1000)));
}
