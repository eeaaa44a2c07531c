/**
 * What each client's config file holds before 1Claw registers: the user's own settings, in a
 * form the real client accepts (comments only where the client reads them), so "removed on
 * revoke" can demand the very same bytes back.
 */
export const USER_CONTENT: Record<string, string> = {
  'claude-code': `${JSON.stringify({ numStartups: 3, mcpServers: { other: { type: 'stdio', command: 'true', args: [] } }, userID: 'abc' }, null, 2)}\n`,
  codex: '# my Codex settings\nmodel = "o3"\n\n[mcp_servers.other]\ncommand = "true" # a local server\n',
  // Folder trust off, or every server (user scope too) is listed as Disabled in an untrusted folder.
  gemini: `${JSON.stringify({ security: { folderTrust: { enabled: false } }, ui: { theme: 'Default' } }, null, 2)}\n`,
  qwen: `${JSON.stringify({ ui: { theme: 'Default' } }, null, 2)}\n`,
  copilot: `${JSON.stringify({ mcpServers: { other: { type: 'local', command: 'true', args: [], tools: ['*'] } } }, null, 2)}\n`,
  opencode: `${JSON.stringify({ $schema: 'https://opencode.ai/config.json', autoupdate: false }, null, 2)}\n`,
  kilo: `${JSON.stringify({ $schema: 'https://app.kilo.ai/config.json', autoupdate: false }, null, 2)}\n`,
  continue: '# my Continue config\nname: Local\nversion: 1.0.0\nschema: v1\nmcpServers:\n  - name: other # a local server\n    command: "true"\n',
  cursor: '{\n  "mcpServers": {\n    "other": { "command": "true" }\n  }\n}\n',
  windsurf: '{\n  "mcpServers": {}\n}\n',
  kiro: '{\n\t"mcpServers": {\n\t\t"other": {"command": "true", "args": []}\n\t}\n}\n',
  zed: '// Zed settings\n{\n  "theme": "One Dark", // my theme\n  "context_servers": {},\n}\n',
  antigravity: '{"mcpServers":{"other":{"command":"true"}}}',
};
