import * as assert from 'node:assert/strict';
import { forgetSecret, redact, registerSecret } from '../../src/util/redact';
import { createLogger, describeError } from '../../src/util/log';
import { ApiError, NetworkError } from '../../src/api/errors';

const humanKey = '1ck_' + 'A'.repeat(20) + '_b-C' + 'd'.repeat(19);
const agentKey = 'ocv_W3_eYj0BSdTjChKwCKRYuZJacmmhVn4ozWIxHV-zlEs';
const jwt = 'eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZ2VudDoxIn0.c2lnbmF0dXJlLXBhcnQ';

describe('redact', () => {
  it('removes human keys, agent keys, JWTs and bearer values, keeping the prefix for readability', () => {
    const text = `key ${humanKey} and ${agentKey}; token ${jwt}; header Authorization: Bearer abc.def`;
    const out = redact(text);
    assert.ok(!out.includes(humanKey) && !out.includes(agentKey) && !out.includes(jwt) && !out.includes('abc.def'), out);
    assert.match(out, /1ck_\[redacted\]/);
    assert.match(out, /ocv_\[redacted\]/);
    assert.match(out, /\[redacted JWT\]/);
    assert.match(out, /Bearer \[redacted\]/);
  });

  it('removes short test keys and registered exact values of any shape', () => {
    assert.equal(redact('use ocv_testtoken now'), 'use ocv_[redacted] now');
    registerSecret('plain-secret-without-prefix');
    try {
      assert.equal(redact('x plain-secret-without-prefix y'), 'x [redacted] y');
    } finally {
      forgetSecret('plain-secret-without-prefix');
    }
    assert.equal(redact('x plain-secret-without-prefix y'), 'x plain-secret-without-prefix y', 'a forgotten value is printed again');
  });

  it('a registered JWT sharing its header and payload start with another JWT does not stop that one being redacted whole', () => {
    const registered = `${jwt.slice(0, jwt.lastIndexOf('.'))}.cmVnaXN0ZXJlZC1zaWduYXR1cmU`;
    registerSecret(registered);
    try {
      const out = redact(`token ${jwt}`);
      assert.equal(out, 'token [redacted JWT]');
    } finally {
      forgetSecret(registered);
    }
  });

  it('leaves ordinary text alone', () => {
    const text = 'Vault coder-workspace (3f2b…) has 12 secrets; policy ** read';
    assert.equal(redact(text), text);
  });

  it('is applied by the logger and by every error the client raises', () => {
    const lines: string[] = [];
    const logger = createLogger((_level, message) => lines.push(message));
    logger.error(`failed with ${agentKey}`);
    assert.deepEqual(lines, ['failed with ocv_[redacted]']);
    const err = new ApiError({ status: 401, detail: `bad key ${agentKey}`, method: 'POST', route: '/v1/auth/agent-token' });
    assert.ok(!err.message.includes(agentKey) && !(err.detail ?? '').includes(agentKey));
    assert.ok(!describeError(new Error(`boom ${jwt}`)).includes(jwt));
    assert.ok(!new NetworkError('GET', `/x/${jwt}`, 'ECONNRESET').message.includes(jwt));
  });
});
