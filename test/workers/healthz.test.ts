import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('GET /healthz', () => {
  it('answers 200 with a small JSON status when the configuration parses', async () => {
    const res = await exports.default.fetch('http://worker.test/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, service: 'conduit-worker' });
  });

  it('answers JSON 404 for unknown routes', async () => {
    const res = await exports.default.fetch('http://worker.test/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not found' });
  });
});
