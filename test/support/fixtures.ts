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

/** A small deterministic PRNG (mulberry32), so generated fixtures are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A heavy user's ~/.claude.json of at least `bytes` (5.5 MiB in the bench), as Claude Code writes
 * it (2-space JSON.stringify): hundreds of projects with long prompt histories in several
 * languages (non-ASCII, emoji, right-to-left text), pasted code full of quotes, backslashes and
 * escaped newlines, per-project MCP servers, a cached changelog, and the top-level `mcpServers`
 * between Claude's own keys (where a real file has it after `claude mcp add`).
 */
export function heavyUserClaudeJson(bytes: number, seed = 20260601): string {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const sentences = [
    'please refactor the token manager so refresh happens before expiry',
    'add property-based tests for the config editor and run them in CI',
    'なぜこのテストは CI でだけ失敗するのですか？ログを見てください',
    'corrige le bug où l’entrée « 1claw » disparaît après la mise à jour',
    'объясни, почему блокировка файла не снимается после сбоя процесса',
    'لماذا يفشل الاختبار عند تشغيله على الخادم؟',
    '把这个函数改成异步的，并且保留原来的错误信息 🚀',
    'warum ist der Bench auf dem CI-Rechner doppelt so langsam? 🤔',
    'write a migration for the users table (id, email, created_at) ✅',
    'the build fails with "Cannot find module \'smol-toml\'" — fix the import',
  ];
  const pasted = [
    'function quote(s) {\n  return "\\"" + s.replace(/\\\\/g, "\\\\\\\\") + "\\"";\n}\n',
    'SELECT "id", \'name\' FROM t WHERE path LIKE \'C:\\\\Users\\\\%\';\n',
    '{\n  "mcpServers": {\n    "nested": { "url": "https://example.test/mcp" }\n  }\n}\n',
    'Traceback (most recent call last):\n  File "/srv/app.py", line 12, in <module>\n    raise ValueError("bad \\u00e9 input")\n',
  ];
  const prompt = () => {
    const parts = Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(sentences));
    return parts.join('. ');
  };
  const history = (n: number) =>
    Array.from({ length: n }, () => {
      const withPaste = random() < 0.15;
      return {
        display: withPaste ? `${prompt()} [Pasted text #1 +${3 + Math.floor(random() * 40)} lines]` : prompt(),
        pastedContents: withPaste ? { '1': { id: 1, type: 'text', content: pick(pasted).repeat(1 + Math.floor(random() * 8)) } } : {},
      };
    });
  const projects: Record<string, unknown> = {};
  const changelog = Array.from({ length: 120 }, (_, i) => `## 2.1.${197 - i}\n\n- ${pick(sentences)}\n- Fixed "${pick(['quotes', 'back\\slashes', 'tabs\t'])}" in \`claude mcp\`\n`).join('\n');
  const state: Record<string, unknown> = {
    numStartups: 1843,
    installMethod: 'npm-global',
    autoUpdates: true,
    tipsHistory: { 'new-user-warmup': 7, 'memory-command': 21, 'theme-command': 9, 'shift-enter': 14 },
    promptQueueUseCount: 61,
    userID: 'b7e0c3f2a1d94e5f8a6b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f',
    firstStartTime: '2025-03-14T09:26:53.589Z',
    projects,
    mcpServers: {
      github: { type: 'http', url: 'https://api.githubcopilot.com/mcp/', headers: { Authorization: 'Bearer ${GITHUB_PAT}' } },
      postgres: { type: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-postgres', 'postgresql://localhost/dev'], env: {} },
    },
    oauthAccount: { accountUuid: '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f', emailAddress: 'dev@example.test', organizationUuid: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', displayName: 'Dévelopeuse Ünïcode 开发者' },
    hasCompletedOnboarding: true,
    lastOnboardingVersion: '2.1.197',
    cachedChangelog: changelog,
    changelogLastFetched: 1764500000000,
    fallbackAvailableWarningThreshold: 0.5,
  };
  // Sizes in UTF-8 bytes: each project's lines sit two spaces deeper than in its own serialisation.
  let size = Buffer.byteLength(JSON.stringify(state, null, 2));
  for (let i = 0; size < bytes; i++) {
    const name = `/home/dev/${pick(['src', 'work', 'code', 'プロジェクト', 'projets'])}/${pick(['api', 'web', 'infra', 'ml', 'docs', 'cli'])}-${i}`;
    const project = {
      allowedTools: random() < 0.5 ? ['Bash(npm test:*)', 'Edit', 'Bash(git diff:*)'] : [],
      history: history(20 + Math.floor(random() * 50)),
      mcpContextUris: [],
      mcpServers: random() < 0.1 ? { local: { type: 'stdio', command: 'node', args: ['server.js'], env: { DEBUG: '1' } } } : {},
      enabledMcpjsonServers: [],
      disabledMcpjsonServers: [],
      hasTrustDialogAccepted: random() < 0.9,
      projectOnboardingSeenCount: Math.floor(random() * 5),
      hasClaudeMdExternalIncludesApproved: false,
      hasClaudeMdExternalIncludesWarningShown: false,
      lastCost: Math.round(random() * 10_000) / 1000,
      lastAPIDuration: Math.floor(random() * 900_000),
      lastDuration: Math.floor(random() * 4_000_000),
      lastLinesAdded: Math.floor(random() * 900),
      lastLinesRemoved: Math.floor(random() * 400),
      lastTotalInputTokens: Math.floor(random() * 90_000),
      lastTotalOutputTokens: Math.floor(random() * 40_000),
      lastSessionId: `3f2b6a1e-8c4d-4e5f-9a0b-${String(i).padStart(12, '0')}`,
    };
    projects[name] = project;
    const own = JSON.stringify({ [name]: project }, null, 2);
    size += Buffer.byteLength(own) + 2 * own.split('\n').length;
  }
  return `${JSON.stringify(state, null, 2)}\n`;
}
