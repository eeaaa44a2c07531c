// The `demo` seed: one org, one human, one agent bound to four vaults with
// different grants, plus a vault the agent is not bound to. Keys are random
// on every start and every secret value is a unique CANARY-… marker, so leak
// scans can look for exact strings.
import { canaryValue } from './keys';
import type { Actor, EmulatorState } from './state';
import type { DemoCredentials } from './types';

interface SeedSecret {
  path: string;
  type: string;
  expiresInDays?: number;
  disabled?: boolean;
}

const DAY_MS = 86_400_000;

const CODER_WORKSPACE: SeedSecret[] = [
  { path: 'api-keys/stripe', type: 'api_key' },
  { path: 'api-keys/openai', type: 'api_key' },
  { path: 'db/prod/password', type: 'password' },
  { path: 'db/staging/password', type: 'password', expiresInDays: 3 },
  { path: 'certs/tls/server', type: 'certificate' },
  { path: 'ssh/deploy', type: 'ssh_key' },
  { path: 'env/app', type: 'env' },
  { path: 'legacy/old-token', type: 'generic', disabled: true },
  { path: 'legacy/expired-cert', type: 'certificate', expiresInDays: -1 },
  // More nested paths so a tree view has depth and breadth.
  { path: 'api-keys/anthropic', type: 'api_key' },
  { path: 'api-keys/github', type: 'api_key' },
  { path: 'api-keys/sendgrid', type: 'api_key' },
  { path: 'db/prod/username', type: 'generic' },
  { path: 'db/prod/replica/password', type: 'password' },
  { path: 'db/staging/username', type: 'generic' },
  { path: 'db/dev/url', type: 'generic' },
  { path: 'certs/tls/ca', type: 'certificate' },
  { path: 'certs/mtls/client', type: 'certificate' },
  { path: 'certs/mtls/client-key', type: 'private_key' },
  { path: 'ssh/bastion', type: 'ssh_key' },
  { path: 'ssh/github-actions', type: 'ssh_key' },
  { path: 'env/worker', type: 'env' },
  { path: 'env/ci', type: 'env' },
  { path: 'services/payments/webhook-secret', type: 'generic' },
  { path: 'services/payments/signing-key', type: 'private_key' },
  { path: 'services/search/admin-key', type: 'api_key' },
  { path: 'services/search/read-key', type: 'api_key' },
  { path: 'cloud/aws/access-key-id', type: 'generic' },
  { path: 'cloud/aws/secret-access-key', type: 'password' },
  { path: 'cloud/gcp/service-account', type: 'generic' },
  { path: 'oauth/google/client-secret', type: 'password' },
  { path: 'monitoring/datadog/api-key', type: 'api_key' },
];

const SHARED_CONFIG: SeedSecret[] = [
  { path: 'config/app/settings', type: 'generic' },
  { path: 'config/feature-flags', type: 'env' },
  { path: 'config/logging/level', type: 'generic' },
  { path: 'internal/admin-token', type: 'api_key' },
  { path: 'ops/pager/key', type: 'api_key' },
];

const FINANCE_PROD: SeedSecret[] = [
  { path: 'ledger/db/password', type: 'password' },
  { path: 'payments/stripe-live', type: 'api_key' },
];

const OTHER_TEAM: SeedSecret[] = [
  { path: 'team/api-key', type: 'api_key' },
  { path: 'db/password', type: 'password' },
];

function plant(state: EmulatorState, vaultId: string, vaultName: string, secrets: readonly SeedSecret[], actor: Actor): void {
  for (const secret of secrets) {
    const expiresAt = secret.expiresInDays === undefined ? null : new Date(state.nowMs() + secret.expiresInDays * DAY_MS).toISOString();
    state.putSecret(
      vaultId,
      secret.path,
      { value: canaryValue(`${vaultName}-${secret.path}`), type: secret.type, expiresAt, disabled: secret.disabled ?? false },
      actor,
    );
  }
}

export function seedDemo(state: EmulatorState): DemoCredentials {
  const humanEmail = 'demo@1claw.test';
  const { humanKey, userId } = state.createHuman(humanEmail);
  const human: Actor = { id: userId, type: 'user' };
  const vault = (name: string, description: string): string => state.createVault(name, description, human).id;

  const coder = vault('coder-workspace', 'Secrets for the Coder workspace agent');
  const shared = vault('shared-config', 'Configuration shared across teams');
  const finance = vault('finance-prod', 'Finance production credentials');
  const empty = vault('empty-sandbox', 'An empty vault');
  const otherTeam = vault('other-team', "Another team's vault");

  const { agent, apiKey } = state.createAgent(
    { name: 'demo-agent', description: 'Demo agent for the 1Claw VS Code extension', vaultIds: [coder, shared, finance, empty] },
    human,
  );
  const grant = (vaultId: string, pattern: string): void => {
    state.createPolicy({ vaultId, secretPathPattern: pattern, principalType: 'agent', principalId: agent.id, permissions: ['read'] }, human);
  };
  grant(coder, '**');
  grant(shared, 'config/**');
  grant(empty, '**');
  // finance-prod: bound but deliberately no policy: it lists as 200 {secrets: []}, reads are 403.

  plant(state, coder, 'coder-workspace', CODER_WORKSPACE, human);
  plant(state, shared, 'shared-config', SHARED_CONFIG, human);
  plant(state, finance, 'finance-prod', FINANCE_PROD, human);
  plant(state, otherTeam, 'other-team', OTHER_TEAM, human);

  return {
    humanKey,
    humanEmail,
    agentKey: apiKey,
    agentId: agent.id,
    agentName: agent.name,
    vaultId: coder,
    vaultName: 'coder-workspace',
    sharedVaultId: shared,
    noAccessVaultId: finance,
    emptyVaultId: empty,
    otherTeamVaultId: otherTeam,
  };
}
