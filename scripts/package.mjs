// Packages the production bundle into a .vsix offline with @vscode/vsce, then prints the file
// list and size so it is obvious nothing but what runs went in.
import { createVSIX } from '@vscode/vsce';
import { readFileSync, statSync } from 'node:fs';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const out = process.env.ONECLAW_VSIX ?? `${manifest.name}-${manifest.version}.vsix`;
await createVSIX({ packagePath: out, dependencies: false, allowStarActivation: false });

const files = zipEntries(readFileSync(out));
console.log(`${out}: ${(statSync(out).size / 1024).toFixed(1)} KB, ${files.length} files`);
for (const f of files) console.log(`  ${f.name} (${(f.size / 1024).toFixed(1)} KB)`);

/** Central-directory listing of a zip, enough to show what the .vsix holds. */
function zipEntries(buffer) {
  const end = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buffer.readUInt16LE(end + 10);
  let offset = buffer.readUInt32LE(end + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    const size = buffer.readUInt32LE(offset + 24);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extra = buffer.readUInt16LE(offset + 30) + buffer.readUInt16LE(offset + 32);
    entries.push({ name: buffer.toString('utf8', offset + 46, offset + 46 + nameLength), size });
    offset += 46 + nameLength + extra;
  }
  return entries;
}
