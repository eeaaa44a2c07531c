// /v1/auth/*, the public-key endpoints and health.
import { exchangeAgentKey, exchangeHumanKey } from './auth';
import { badRequest } from './problems';
import { principalOf, type RouteDef } from './router';
import { Fields } from './validate';
import { entitlementsView } from './views';

export const EMULATED_API_VERSION = '0.53.2-emulator';

export const authRoutes: RouteDef[] = [
  {
    method: 'POST',
    template: '/v1/auth/agent-token',
    auth: false,
    body: 'json',
    handle({ state, body }) {
      const fields = Fields.of(body);
      const apiKey = fields.requiredString('api_key');
      const agentId = fields.optionalString('agent_id');
      const issued = exchangeAgentKey(state, apiKey, agentId, 'rest');
      // agent_id, vault_ids and entitlements are not in SPEC TokenResponse, but the live API
      // returns them and the SDK and MCP server read them (contract §1.1, §12.2).
      return {
        status: 200,
        body: {
          access_token: issued.token,
          token_type: 'Bearer',
          expires_in: issued.expiresIn,
          agent_id: issued.agent.id,
          vault_ids: [...issued.agent.vaultIds],
          entitlements: entitlementsView(issued.agent),
        },
      };
    },
  },
  {
    method: 'POST',
    template: '/v1/auth/api-key-token',
    auth: false,
    body: 'json',
    handle({ state, body }) {
      const apiKey = Fields.of(body).requiredString('api_key');
      const issued = exchangeHumanKey(state, apiKey);
      return { status: 200, body: { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn } };
    },
  },
  {
    method: 'POST',
    template: '/v1/auth/refresh',
    auth: false,
    body: 'none',
    handle() {
      // DOCS (api-reference, security audit): not implemented; clients re-exchange their key instead.
      throw badRequest('Refresh tokens not yet implemented');
    },
  },
  {
    method: 'DELETE',
    template: '/v1/auth/token',
    auth: true,
    body: 'none',
    handle(ctx) {
      const { state } = ctx;
      const principal = principalOf(ctx);
      // A raw 1ck_ bearer is a key, not a session: nothing to revoke (keys are revoked at
      // DELETE /v1/auth/api-keys/{id}). SPEC's 204 either way.
      if (principal.jti === null) return { status: 204 };
      state.revokedJtis.set(principal.jti, 'logout');
      state.record({
        action: 'token.revoke',
        actor_id: principal.id,
        actor_type: principal.kind,
        resource_type: 'token',
        resource_id: principal.jti,
        details: {},
      });
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    template: '/v1/auth/jwt-public-key',
    auth: false,
    body: 'none',
    handle({ state }) {
      return { status: 200, body: { alg: 'EdDSA', public_key_base64: state.signer.publicKeyBase64() } };
    },
  },
  {
    method: 'GET',
    template: '/.well-known/jwks.json',
    auth: false,
    body: 'none',
    handle({ state }) {
      return { status: 200, body: { keys: [state.signer.jwk()] }, contentType: 'application/jwk-set+json' };
    },
  },
  {
    method: 'GET',
    template: '/v1/health',
    auth: false,
    body: 'none',
    handle() {
      return { status: 200, body: { status: 'healthy', version: EMULATED_API_VERSION } };
    },
  },
];
