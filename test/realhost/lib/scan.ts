// Leak scans: look for the emulator's canaries (every secret value, 1ck_/ocv_ key and JWT it
// created or issued) in text and in every file under a directory. Findings name the kind of
// canary and where it was found, never the canary itself.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type CanaryKind = 'secret value' | 'agent key' | 'human key' | 'JWT' | 'other credential';

export interface Finding {
  where: string;
  kind: CanaryKind;
}

export function canaryKind(canary: string): CanaryKind {
  if (canary.startsWith('CANARY-')) return 'secret value';
  if (canary.startsWith('ocv_')) return 'agent key';
  if (canary.startsWith('1ck_')) return 'human key';
  if (canary.startsWith('eyJ')) return 'JWT';
  return 'other credential';
}

export function findInText(text: string, canaries: readonly string[], where: string): Finding[] {
  const findings: Finding[] = [];
  for (const canary of canaries) if (text.includes(canary)) findings.push({ where, kind: canaryKind(canary) });
  return dedupe(findings);
}

const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Every regular file under `root` (symlinks not followed), bounded to `maxFiles`. */
export function filesUnder(root: string, maxFiles = 50_000): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length > 0 && out.length < maxFiles) {
    const dir = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) out.push(full);
    }
  }
  return out;
}

/** Scans every file under `root` (its bytes, as UTF-8 and as UTF-16LE) for canaries. */
export function scanFiles(root: string, canaries: readonly string[], exclude: (file: string) => boolean = () => false): { files: number; findings: Finding[] } {
  const needles = canaries.map((canary) => ({ kind: canaryKind(canary), utf8: Buffer.from(canary, 'utf8'), utf16: Buffer.from(canary, 'utf16le') }));
  const findings: Finding[] = [];
  let files = 0;
  for (const file of filesUnder(root)) {
    if (exclude(file)) continue;
    let data: Buffer;
    try {
      const size = fs.statSync(file).size;
      if (size > MAX_FILE_BYTES) continue;
      data = fs.readFileSync(file);
    } catch {
      continue;
    }
    files += 1;
    for (const needle of needles) {
      if (data.includes(needle.utf8) || data.includes(needle.utf16)) findings.push({ where: path.relative(root, file), kind: needle.kind });
    }
  }
  return { files, findings: dedupe(findings) };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.where}\u0000${finding.kind}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function summarise(findings: readonly Finding[]): string {
  return findings.map((finding) => `${finding.kind} in ${finding.where}`).join('; ');
}
