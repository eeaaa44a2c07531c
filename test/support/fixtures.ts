/** Test data shared by suites and benchmarks. */
/** A Claude-Code-like state file of at least `bytes`, built in one pass. */
export function bigClaudeJson(bytes: number): string {
  const projects: Record<string, unknown> = {};
  const sample = JSON.stringify({ history: [{ display: 'command 0 "quoted" \\ back', pastedContents: {} }], allowedTools: [], mcpServers: { nested: { url: 'n' } } });
  const count = Math.ceil(bytes / (sample.length + 40)) + 1;
  for (let i = 0; i < count; i++) {
    projects[`/home/dev/project-${i}`] = { history: [{ display: `command ${i} "quoted" \\ back`, pastedContents: {} }], allowedTools: [], mcpServers: { nested: { url: 'n' } } };
  }
  const text = `${JSON.stringify({ numStartups: 12, projects, mcpServers: { other: { type: 'stdio', command: 'x' } }, userID: 'u' }, null, 2)}\n`;
  if (text.length < bytes) throw new Error('fixture too small');
  return text;
}

/**
 * A ~/.claude.json shaped like a real one of `bytes`: Claude Code's own keys and, per project,
 * a prompt history of sentences (the bulk of a real file), tool lists and settings.
 */
export function realisticClaudeJson(bytes: number): string {
  const words = 'please refactor the token manager so refresh happens before expiry and add tests for the emulator faults then update the readme with the new figures and check the terraform module'.split(' ');
  const prompt = (i: number) => Array.from({ length: 25 + (i % 40) }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(' ');
  const projects: Record<string, unknown> = {};
  const sample = JSON.stringify({ history: Array.from({ length: 30 }, (_, k) => ({ display: prompt(k), pastedContents: {} })) }).length;
  const count = Math.ceil(bytes / (sample + 400)) + 1;
  for (let i = 0; i < count; i++) {
    projects[`/home/dev/src/project-${i}`] = {
      allowedTools: ['Bash(npm test)', 'Edit'],
      history: Array.from({ length: 30 }, (_, k) => ({ display: prompt(i + k), pastedContents: {} })),
      mcpContextUris: [],
      mcpServers: {},
      enabledMcpjsonServers: [],
      disabledMcpjsonServers: [],
      hasTrustDialogAccepted: true,
      projectOnboardingSeenCount: 2,
      lastCost: 0.42,
      lastSessionId: `3f2b6a1e-8c4d-4e5f-9a0b-${String(i).padStart(12, '0')}`,
    };
  }
  const state = { numStartups: 212, installMethod: 'npm-global', autoUpdates: true, tipsHistory: { 'new-user-warmup': 1 }, projects, mcpServers: { other: { type: 'stdio', command: 'x' } }, userID: 'u', hasCompletedOnboarding: true };
  const text = `${JSON.stringify(state, null, 2)}\n`;
  if (text.length < bytes) throw new Error('fixture too small');
  return text;
}
