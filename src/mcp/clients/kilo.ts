/** Kilo CLI (an OpenCode fork): `mcp` in `~/.config/kilo/kilo.json` (it also reads `opencode.json` there); see openCodeFamily.ts. */
import { openCodeFamilyClient } from './openCodeFamily';

export const kiloClient = openCodeFamilyClient({ id: 'kilo', label: 'Kilo Code', dir: 'kilo', names: ['kilo.json', 'kilo.jsonc', 'opencode.json', 'opencode.jsonc'], binaries: ['kilo', 'kilocode'] });
