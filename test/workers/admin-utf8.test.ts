/**
 * Admin request bodies must be UTF-8 (src/routes/admin/utf8-body.ts): a body with invalid bytes is a 400 before
 * validation and never reaches the controller, where lenient decoding would have turned the bytes into U+FFFD and
 * passed the schema (found by test/workers/fuzz-admin.test.ts). Non-ASCII that is valid UTF-8 still goes through.
 */
import { env } from 'cloudflare:workers';
import { expect, it } from 'vitest';
import { fakeController } from './support/admin-api.ts';

const encode = (s: string) => new TextEncoder().encode(s);

function post(path: string, body: Uint8Array): Request {
  return new Request(`http://worker.test/admin/api${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body,
  });
}

it('refuses a body with invalid UTF-8 with 400 and does not call the controller', async () => {
  const valid = encode('{"type":"channel.follow","version":"2","condition":{"moderator_user_id":"1"}}');
  const at = valid.indexOf(0x72); // inside the "moderator_user_id" key, where U+FFFD would still pass the schema
  const corrupted = new Uint8Array([...valid.slice(0, at), 0xff, 0xfe, ...valid.slice(at)]);
  const fake = fakeController();
  const res = await fake.fetch(post('/subscriptions', corrupted));
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ error: 'body: not UTF-8' });
  expect(fake.calls).toEqual([]);
});

it('passes valid UTF-8 with non-ASCII characters on to validation and the controller', async () => {
  const fake = fakeController();
  const body = encode('{"type":"channel.follow","version":"2","condition":{"broadcaster_user_id":"é𝕏"}}');
  const res = await fake.fetch(post('/subscriptions', body));
  expect(res.status).toBe(201);
  expect(fake.calls.map((c) => c.method)).toEqual(['addSubscription']);
  expect(fake.calls[0]?.args[0]).toMatchObject({ condition: { broadcaster_user_id: 'é𝕏' } });
});
