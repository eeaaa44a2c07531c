/** OpenCode: `mcp` in `$XDG_CONFIG_HOME/opencode/opencode.json` (or the `.jsonc` the user keeps); see openCodeFamily.ts. */
import { openCodeFamilyClient } from './openCodeFamily';

export const openCodeClient = openCodeFamilyClient({ id: 'opencode', label: 'OpenCode', dir: 'opencode', names: ['opencode.json', 'opencode.jsonc', 'config.json'], binaries: ['opencode'] });
