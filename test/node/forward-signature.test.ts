/**
 * Forward signatures (README "HTTP forwards"): `X-Conduit-Signature: sha256=<hex HMAC-SHA256(FORWARD_SECRET,
 * timestamp + "." + body)>` with `X-Conduit-Timestamp` in unix ms, checked against Node's own HMAC, and
 * `verifyForward` refusing every kind of wrong or stale request without throwing.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  FORWARD_SIGNATURE_HEADER,
  FORWARD_TIMESTAMP_HEADER,
  forwardHeaders,
  signForward,
  verifyForward,
} from '../../src/verify/forward-signature.ts';

const SECRET = 'forward-secret-0123456789';
const BODY = '{"message_id":"m-1","payload":{"event":{"user_name":"Zoë ✨"}}}';
const NOW = 1_795_000_000_000;

const nodeHmac = (secret: string, text: string) => createHmac('sha256', secret).update(text, 'utf8').digest('hex');

describe('forward signatures', () => {
  it('signs timestamp + "." + body with HMAC-SHA256, as an independent implementation computes it', async () => {
    const headers = await forwardHeaders(SECRET, BODY, NOW);
    expect(headers[FORWARD_TIMESTAMP_HEADER]).toBe(String(NOW));
    expect(headers[FORWARD_SIGNATURE_HEADER]).toBe(`sha256=${nodeHmac(SECRET, `${NOW}.${BODY}`)}`);
    expect(await signForward(SECRET, String(NOW), BODY)).toBe(headers[FORWARD_SIGNATURE_HEADER]);
  });

  it('verifies what it signs, within the tolerance on either side', async () => {
    const h = await forwardHeaders(SECRET, BODY, NOW);
    const base = {
      secret: SECRET,
      body: BODY,
      timestamp: h[FORWARD_TIMESTAMP_HEADER],
      signature: h[FORWARD_SIGNATURE_HEADER],
    };
    expect(await verifyForward({ ...base, now: NOW })).toBe(true);
    expect(await verifyForward({ ...base, now: NOW + 5 * 60_000 })).toBe(true);
    expect(await verifyForward({ ...base, now: NOW - 5 * 60_000 })).toBe(true);
    expect(await verifyForward({ ...base, now: NOW + 5 * 60_000 + 1 })).toBe(false);
    expect(await verifyForward({ ...base, now: NOW + 60_000, toleranceMs: 30_000 })).toBe(false);
  });

  it('refuses a changed body, timestamp, secret or signature', async () => {
    const h = await forwardHeaders(SECRET, BODY, NOW);
    const base = {
      secret: SECRET,
      body: BODY,
      timestamp: h[FORWARD_TIMESTAMP_HEADER],
      signature: h[FORWARD_SIGNATURE_HEADER],
      now: NOW,
    };
    expect(await verifyForward({ ...base, body: BODY.replace('m-1', 'm-2') })).toBe(false);
    expect(await verifyForward({ ...base, body: JSON.stringify(JSON.parse(BODY), null, 1) })).toBe(false);
    expect(await verifyForward({ ...base, timestamp: String(NOW + 1) })).toBe(false);
    expect(await verifyForward({ ...base, secret: `${SECRET}x` })).toBe(false);
    const sig = h[FORWARD_SIGNATURE_HEADER]!;
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`;
    expect(await verifyForward({ ...base, signature: flipped })).toBe(false);
  });

  it('refuses malformed headers without throwing', async () => {
    const h = await forwardHeaders(SECRET, BODY, NOW);
    const sig = h[FORWARD_SIGNATURE_HEADER]!;
    const base = { secret: SECRET, body: BODY, timestamp: String(NOW), signature: sig, now: NOW };
    for (const signature of [
      null,
      undefined,
      '',
      'sha256=',
      sig.slice(7),
      sig.toUpperCase(),
      `${sig}00`,
      sig.replace('sha256=', 'sha1='),
      `sha256=${'zz'.repeat(32)}`,
    ]) {
      expect(await verifyForward({ ...base, signature }), String(signature)).toBe(false);
    }
    for (const timestamp of [null, undefined, '', 'yesterday', `${NOW}.5`, '-1', `${NOW / 1000}`]) {
      expect(await verifyForward({ ...base, timestamp }), String(timestamp)).toBe(false);
    }
  });
});
