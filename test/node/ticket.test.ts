/**
 * Consumer tickets (src/verify/ticket.ts): the signature is HMAC-SHA256 with K = HMAC-SHA256(EVENTSUB_SECRET,
 * "consumer-ticket"), checked against Node's own HMAC; a ticket verifies with its scope and expiry until it expires;
 * an expired, tampered, malformed or foreign-signed ticket is refused with its reason and never throws; the previous
 * master secret is accepted when passed (rotation).
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, issueTicket, toBase64Url, verifyTicket } from '../../src/verify/ticket.ts';

const MASTER = 'test-eventsub-master-secret-0123456789';
const OTHER = 'another-master-secret-0123456789';
const NOW = 1_795_000_000_000;
const SCOPE = { types: ['channel.follow'], broadcasters: ['141981764', '12826'] };

const b64url = (buf: Buffer) => buf.toString('base64url');

describe('consumer tickets', () => {
  it('signs the payload with the key derived from the master secret, as Node computes it', async () => {
    const ticket = await issueTicket(MASTER, { scope: SCOPE, expiresAt: NOW + 60_000, nonce: 'n-1' });
    const [body, sig] = ticket.split('.') as [string, string];
    const k = createHmac('sha256', MASTER).update('consumer-ticket').digest();
    expect(sig).toBe(b64url(createHmac('sha256', k).update(`consumer-ticket.v1.${body}`).digest()));
    expect(JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))).toEqual({
      v: 1,
      exp: NOW + 60_000,
      n: 'n-1',
      types: ['channel.follow'],
      broadcasters: ['141981764', '12826'],
    });
  });

  it('verifies with its scope and expiry until the moment it expires', async () => {
    const ticket = await issueTicket(MASTER, { scope: SCOPE, expiresAt: NOW + 60_000 });
    expect(await verifyTicket([MASTER], ticket, NOW)).toEqual({
      ok: true,
      scope: { types: ['channel.follow'], broadcasters: ['12826', '141981764'] },
      expiresAt: NOW + 60_000,
    });
    expect((await verifyTicket([MASTER], ticket, NOW + 59_999)).ok).toBe(true);
    expect(await verifyTicket([MASTER], ticket, NOW + 60_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('leaves an unscoped ticket unrestricted, and makes two tickets for one scope differ', async () => {
    const a = await issueTicket(MASTER, { scope: { types: null, broadcasters: null }, expiresAt: NOW + 1_000 });
    const b = await issueTicket(MASTER, { scope: { types: null, broadcasters: null }, expiresAt: NOW + 1_000 });
    expect(a).not.toBe(b);
    expect(await verifyTicket([MASTER], a, NOW)).toMatchObject({
      ok: true,
      scope: { types: null, broadcasters: null },
    });
  });

  it('refuses a ticket whose payload was changed, even with a valid-looking body', async () => {
    const ticket = await issueTicket(MASTER, { scope: SCOPE, expiresAt: NOW + 60_000 });
    const [body, sig] = ticket.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const widened = b64url(Buffer.from(JSON.stringify({ ...payload, broadcasters: undefined })));
    const later = b64url(Buffer.from(JSON.stringify({ ...payload, exp: NOW + 3_600_000 })));
    expect(await verifyTicket([MASTER], `${widened}.${sig}`, NOW)).toEqual({ ok: false, reason: 'signature' });
    expect(await verifyTicket([MASTER], `${later}.${sig}`, NOW)).toEqual({ ok: false, reason: 'signature' });
    const flipped = sig.slice(0, 5) + (sig[5] === 'A' ? 'B' : 'A') + sig.slice(6);
    expect(await verifyTicket([MASTER], `${body}.${flipped}`, NOW)).toEqual({ ok: false, reason: 'signature' });
  });

  it('refuses a ticket signed with another master secret, unless that one is passed too (rotation)', async () => {
    const ticket = await issueTicket(OTHER, { scope: SCOPE, expiresAt: NOW + 60_000 });
    expect(await verifyTicket([MASTER], ticket, NOW)).toEqual({ ok: false, reason: 'signature' });
    expect((await verifyTicket([MASTER, OTHER], ticket, NOW)).ok).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['one part', 'abc'],
    ['three parts', 'a.b.c'],
    ['not base64url', 'ab$c.def'],
    ['short signature', `${b64url(Buffer.from('{}'))}.${b64url(Buffer.alloc(16))}`],
    ['oversized', `${'a'.repeat(20_000)}.${b64url(Buffer.alloc(32))}`],
  ])('refuses a malformed ticket (%s) without throwing', async (_name, ticket) => {
    expect(await verifyTicket([MASTER], ticket, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a correctly signed payload that is not a valid ticket', async () => {
    const k = createHmac('sha256', MASTER).update('consumer-ticket').digest();
    const signed = (payload: unknown) => {
      const body = b64url(Buffer.from(JSON.stringify(payload)));
      return `${body}.${b64url(createHmac('sha256', k).update(`consumer-ticket.v1.${body}`).digest())}`;
    };
    const cases = [
      { v: 2, exp: NOW + 1_000, n: 'x' },
      { v: 1, exp: 'soon', n: 'x' },
      { v: 1, exp: NOW + 1_000, n: 'x', types: ['Not A Type'] },
      { v: 1, exp: NOW + 1_000, n: 'x', broadcasters: 'one' },
      // Longer-lived than the route can mint (1 hour): not ours, whatever the signature.
      { v: 1, exp: NOW + 2 * 3_600_000, n: 'x' },
    ];
    for (const payload of cases) {
      expect(await verifyTicket([MASTER], signed(payload), NOW)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('round-trips base64url and refuses what is not', () => {
    const bytes = new Uint8Array([0, 1, 250, 251, 252, 253, 254, 255]);
    expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
    expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    expect(fromBase64Url('a+b/')).toBeNull();
    expect(fromBase64Url('abcde')).toBeNull();
  });
});
