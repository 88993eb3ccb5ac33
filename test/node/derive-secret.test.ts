/** Per-endpoint secret derivation (design.md §4, contract), checked against an independent node:crypto HMAC. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { endpointSecret } from '../../src/verify/derive.ts';

describe('endpointSecret', () => {
  it('is the lowercase hex HMAC-SHA256 of "conduit-webhook:" + name under the master secret', async () => {
    const master = 'a-master-secret-for-tests';
    for (const name of ['default', 'blue', 'green-2', '0']) {
      const expected = createHmac('sha256', master).update(`conduit-webhook:${name}`).digest('hex');
      const got = await endpointSecret(master, name);
      expect(got).toBe(expected);
      expect(got).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('differs per endpoint and per master secret', async () => {
    const a = await endpointSecret('master-one-0123456789', 'default');
    expect(await endpointSecret('master-one-0123456789', 'other')).not.toBe(a);
    expect(await endpointSecret('master-two-0123456789', 'default')).not.toBe(a);
  });

  it('refuses names outside [a-z0-9][a-z0-9-]{0,31}', async () => {
    for (const bad of ['', 'Default', '-x', 'a'.repeat(33), 'a/b', 'a b']) {
      await expect(endpointSecret('master-one-0123456789', bad)).rejects.toThrow(/invalid endpoint name/);
    }
  });
});
