/**
 * The client's zod schemas against the official spec. The spec carries no examples for the
 * operations we use, so instances are synthesised from its own schemas: a minimal one (required
 * fields only — proving we never demand more than the spec) and a maximal one (every property —
 * proving extra fields are tolerated). The examples the 1Claw docs publish are checked too.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type * as z from 'zod/mini';
import {
  AgentCreatedSchema,
  AgentListSchema,
  AgentSelfSchema,
  AuditEventsSchema,
  DeviceCodeSchema,
  DeviceTokenAnswerSchema,
  EnrolmentResponseSchema,
  PolicyListSchema,
  PolicySchema,
  ProblemSchema,
  SecretListSchema,
  TokenResponseSchema,
  VaultListSchema,
  VaultSchema,
} from '../../src/api/schemas';
import { SPEC_MISSING, specPath } from './openapi-spec';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Operation → the client schema that parses its success body. */
const OPERATIONS: Array<[string, string, string, z.ZodMiniType]> = [
  ['post', '/v1/auth/agent-token', '200', TokenResponseSchema],
  ['post', '/v1/auth/api-key-token', '200', TokenResponseSchema],
  ['get', '/v1/vaults', '200', VaultListSchema],
  ['post', '/v1/vaults', '201', VaultSchema],
  ['get', '/v1/vaults/{vault_id}/secrets', '200', SecretListSchema],
  ['post', '/v1/agents', '201', AgentCreatedSchema],
  ['get', '/v1/agents', '200', AgentListSchema],
  ['get', '/v1/agents/me', '200', AgentSelfSchema],
  ['post', '/v1/vaults/{vault_id}/policies', '201', PolicySchema],
  ['get', '/v1/vaults/{vault_id}/policies', '200', PolicyListSchema],
  ['get', '/v1/audit/events', '200', AuditEventsSchema],
  ['post', '/v1/auth/device/code', '200', DeviceCodeSchema],
  ['post', '/v1/auth/device/token', '200', DeviceTokenAnswerSchema],
  ['post', '/v1/agents/enroll', '201', EnrolmentResponseSchema],
];

class Synthesiser {
  constructor(private readonly doc: Json) {}

  resolve(schema: Json): Json {
    let current = schema;
    for (let hops = 0; typeof current.$ref === 'string' && hops < 20; hops++) {
      let node: unknown = this.doc;
      for (const key of (current.$ref as string).replace(/^#\//, '').split('/')) node = isObject(node) ? node[key] : undefined;
      if (!isObject(node)) throw new Error(`unresolvable ${String(current.$ref)}`);
      current = node;
    }
    return current;
  }

  instance(raw: Json, full: boolean, depth = 0): unknown {
    const schema = this.resolve(raw);
    if (depth > 8) return null;
    if (Array.isArray(schema.allOf)) return Object.assign({}, ...schema.allOf.map((s) => this.instance(s as Json, full, depth + 1) as Json));
    const alternatives = (schema.oneOf ?? schema.anyOf) as Json[] | undefined;
    if (alternatives?.length) return this.instance(alternatives.find((a) => this.resolve(a).type !== 'null') ?? alternatives[0]!, full, depth + 1);
    if (Array.isArray(schema.enum)) return schema.enum[0];
    if ('const' in schema) return schema.const;
    const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== 'null') : (schema.type as string | undefined);
    switch (type ?? (schema.properties ? 'object' : 'string')) {
      case 'object': {
        const out: Json = {};
        const required = new Set((schema.required as string[] | undefined) ?? []);
        for (const [key, prop] of Object.entries((schema.properties as Json | undefined) ?? {})) {
          if (full || required.has(key)) out[key] = this.instance(prop as Json, full, depth + 1);
        }
        return out;
      }
      case 'array':
        return full || (schema.minItems as number | undefined) ? [this.instance((schema.items as Json) ?? {}, full, depth + 1)] : [];
      case 'integer':
        return typeof schema.minimum === 'number' ? Math.max(1, schema.minimum) : 1;
      case 'number':
        return 1.5;
      case 'boolean':
        return true;
      default:
        return this.stringFor(schema);
    }
  }

  private stringFor(schema: Json): string {
    switch (schema.format) {
      case 'uuid':
        return '3f2b6a1e-8c4d-4e5f-9a0b-1c2d3e4f5a6b';
      case 'date-time':
        return '2026-11-22T10:00:00Z';
      case 'uri':
        return 'https://example.test/x';
      default:
        return 'text';
    }
  }
}

describe('client schemas vs the official OpenAPI spec', () => {
  let doc: Json;
  let synth: Synthesiser;
  before(() => {
    const file = specPath();
    assert.ok(existsSync(file), `The official OpenAPI spec is missing at ${file}: ${SPEC_MISSING}.`);
    doc = JSON.parse(readFileSync(file, 'utf8')) as Json;
    synth = new Synthesiser(doc);
  });

  for (const [method, path, status, schema] of OPERATIONS) {
    it(`${method.toUpperCase()} ${path} ${status}: accepts the spec's minimal and maximal bodies`, () => {
      const operation = ((doc.paths as Json)[path] as Json | undefined)?.[method] as Json | undefined;
      assert.ok(operation, `the spec has no ${method} ${path}`);
      const response = synth.resolve(((operation.responses as Json)[status] as Json | undefined) ?? {});
      const body = ((response.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema as Json | undefined;
      assert.ok(body, `the spec declares no JSON body for ${method} ${path} ${status}`);
      for (const full of [false, true]) {
        const instance = synth.instance(body, full);
        const parsed = schema.safeParse(instance);
        assert.ok(parsed.success, `${full ? 'maximal' : 'minimal'} instance rejected: ${JSON.stringify(parsed.error?.issues.slice(0, 3))}\n${JSON.stringify(instance).slice(0, 400)}`);
      }
    });
  }

  it('accepts the published docs examples (token, problem)', () => {
    assert.ok(TokenResponseSchema.safeParse({ access_token: 'eyJhbGciOiJFZERTQSIs.x.y', token_type: 'Bearer', expires_in: 3600 }).success);
    assert.ok(TokenResponseSchema.safeParse({ access_token: 'eyJ.x.y', token_type: 'Bearer', expires_in: 900 }).success);
    assert.ok(ProblemSchema.safeParse({ type: 'about:blank', title: 'Forbidden', status: 403, detail: 'Insufficient permissions' }).success);
  });

  it('never keeps a value field from a secret listing, even if a server sends one', () => {
    const parsed = SecretListSchema.parse({ secrets: [{ id: 'i', path: 'p', type: 't', version: 1, created_at: 'c', value: 'CANARY-should-vanish' }] });
    assert.ok(!JSON.stringify(parsed).includes('CANARY'));
  });
});
