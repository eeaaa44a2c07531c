/**
 * The last stage of `npm test`: every secret value, key and JWT that any emulator issued during
 * the run (test-results/canaries) is looked for in everything the run left in test-results —
 * test logs, the real editor's DOM dumps, output channel, notifications, screenshots' page text,
 * the extension's globalState database, every file the product wrote, rendered Terraform
 * scripts, and the process arguments sampled all along. A marker is allowed only in a file that
 * exists to hold a credential, and only when that file is mode 0600. Exits 1 on any finding.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { canaryKind, filesUnder, type CanaryKind } from '../realhost/lib/scan';
import { printTable } from './stack';

/** Files whose job is to hold a credential (the bootstrap caches, static-style MCP entries), and which kinds each may hold. */
const CREDENTIAL_FILES: Array<{ pattern: RegExp; kinds: readonly CanaryKind[] }> = [
  ...[/\/\.1claw\/agent\.json$/, /\/\.coder-modules\/kmjones1979\/oneclaw\/bootstrap\.json$/, /\/\.1claw\/bootstrap\.json$/, /\/\.claude\.json$/, /\/\.cursor\/mcp\.json$/, /\/\.provision\/[^/]+\.json$/, /\.tfstate(\.backup)?$/].map((pattern) => ({
    pattern,
    kinds: ['agent key', 'JWT', 'other credential'] as const,
  })),
  // The headers helper's token cache (~/.1claw/run or $XDG_RUNTIME_DIR/1claw): a token, never a key.
  { pattern: /\/(\.1claw\/run|1claw)\/mcp-token-[A-Za-z0-9_-]+$/, kinds: ['JWT'] },
];

export interface LeakFinding {
  file: string;
  kind: CanaryKind;
  allowed: boolean;
  why: string;
}

export function loadCanaries(dir: string): string[] {
  const markers = new Set<string>();
  for (const name of safeReaddir(dir)) {
    for (const line of readFileSync(path.join(dir, name), 'utf8').split('\n')) if (line.length >= 8) markers.add(line);
  }
  return [...markers];
}

/** Scan every file under `root` except `exclude`; classify each hit as allowed or a leak. */
export function scanTree(root: string, canaries: readonly string[], exclude: (file: string) => boolean): { files: number; bytes: number; findings: LeakFinding[] } {
  const needles = canaries.map((c) => ({ kind: canaryKind(c), utf8: Buffer.from(c, 'utf8'), utf16: Buffer.from(c, 'utf16le') }));
  const findings: LeakFinding[] = [];
  let files = 0;
  let bytes = 0;
  for (const file of filesUnder(root, 500_000)) {
    if (exclude(file)) continue;
    let data: Buffer;
    let mode: number;
    try {
      const stat = statSync(file);
      mode = stat.mode & 0o777;
      data = readFileSync(file);
    } catch {
      continue;
    }
    files++;
    bytes += data.length;
    const kinds = new Set<CanaryKind>();
    for (const needle of needles) if (data.includes(needle.utf8) || data.includes(needle.utf16)) kinds.add(needle.kind);
    for (const kind of kinds) {
      const holder = CREDENTIAL_FILES.find((entry) => entry.pattern.test(file));
      const allowed = holder !== undefined && holder.kinds.includes(kind) && mode === 0o600;
      const why = allowed ? 'credential file, 0600' : holder ? (mode !== 0o600 ? `credential file with mode ${mode.toString(8)}` : `${kind} in a file meant for ${holder.kinds.join(', ')}`) : 'not a credential file';
      findings.push({ file: path.relative(root, file), kind, allowed, why });
    }
  }
  return { files, bytes, findings };
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function main(): void {
  const root = path.resolve(process.argv[2] ?? 'test-results');
  const canaryDir = path.join(root, 'canaries');
  const canaries = loadCanaries(canaryDir);
  if (canaries.length < 20) {
    console.error(`Leak scan: only ${canaries.length} markers were recorded in ${canaryDir}; the suites did not run with ONECLAW_CANARY_DIR set, so a scan would prove nothing.`);
    process.exit(1);
  }
  const { files, bytes, findings } = scanTree(root, canaries, (file) => file.startsWith(canaryDir + path.sep));
  const byArea = new Map<string, { files: number; leaks: number; allowed: number }>();
  for (const file of filesUnder(root, 500_000).filter((f) => !f.startsWith(canaryDir + path.sep))) {
    const area = path.relative(root, file).split(path.sep).slice(0, 2).join('/');
    const entry = byArea.get(area) ?? { files: 0, leaks: 0, allowed: 0 };
    entry.files++;
    byArea.set(area, entry);
  }
  for (const finding of findings) {
    const area = finding.file.split(path.sep).slice(0, 2).join('/');
    const entry = byArea.get(area)!;
    if (finding.allowed) entry.allowed++;
    else entry.leaks++;
  }
  const kinds = new Map<CanaryKind, number>();
  for (const c of canaries) kinds.set(canaryKind(c), (kinds.get(canaryKind(c)) ?? 0) + 1);
  printTable(
    `Leak scan: ${canaries.length} markers (${[...kinds].map(([k, n]) => `${n} ${k}s`).join(', ')}) in ${files} files, ${(bytes / 1024 / 1024).toFixed(1)} MB`,
    ['Artefacts', 'Files', 'Leaks', 'Allowed (0600 credential files)'],
    [...byArea].sort().map(([area, e]) => [area, String(e.files), String(e.leaks), String(e.allowed)]),
  );
  const leaks = findings.filter((f) => !f.allowed);
  for (const f of findings.filter((x) => x.allowed)) console.log(`  allowed: ${f.kind} in ${f.file} (${f.why})`);
  if (leaks.length) {
    console.error(`\nLEAKS (${leaks.length}):`);
    for (const f of leaks) console.error(`  ${f.kind} in ${f.file} — ${f.why}`);
    process.exit(1);
  }
  console.log('\nNo marker outside a 0600 credential file.');
}

if (require.main === module) main();
