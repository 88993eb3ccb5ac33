/**
 * The four signature vectors of twitch-eventsub.md §3.6, checked with the Worker's verifier (src/verify), plus the
 * ways a header can be wrong.
 */
import { describe, expect, it } from 'vitest';
import { sign, verify } from '../../src/verify/signature.ts';
import { VECTORS } from '../support/vectors.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('webhook signature vectors (twitch-eventsub.md §3.6)', () => {
  for (const v of VECTORS) {
    it(`vector ${v.name}: signs to the expected header and verifies`, async () => {
      expect(bytes(v.body).length).toBe(v.bodyLength);
      expect(await sign(v.secret, v.messageId, v.timestamp, bytes(v.body))).toBe(v.signature);
      expect(await verify(v.secret, v.messageId, v.timestamp, bytes(v.body), v.signature)).toBe(true);
    });

    it(`vector ${v.name}: any changed byte, id, timestamp or secret fails`, async () => {
      const body = bytes(v.body);
      const flipped = body.slice();
      flipped[10] = flipped[10]! ^ 1;
      expect(await verify(v.secret, v.messageId, v.timestamp, flipped, v.signature)).toBe(false);
      expect(await verify(v.secret, v.messageId + 'x', v.timestamp, body, v.signature)).toBe(false);
      expect(await verify(v.secret, v.messageId, v.timestamp.replace('Z', '0Z'), body, v.signature)).toBe(false);
      expect(await verify(v.secret + 'x', v.messageId, v.timestamp, body, v.signature)).toBe(false);
    });
  }

  it('rejects malformed headers without throwing', async () => {
    const v = VECTORS[0]!;
    const body = bytes(v.body);
    for (const header of [
      '',
      'sha256=',
      v.signature.slice(0, -2),
      v.signature + '00',
      v.signature.replace('sha256=', 'sha1='),
      v.signature.replace('sha256=', ''),
      'sha256=' + 'zz'.repeat(32),
      v.signature.toUpperCase(),
    ]) {
      expect(await verify(v.secret, v.messageId, v.timestamp, body, header), header).toBe(false);
    }
  });
});
