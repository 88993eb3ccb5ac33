import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import worker from '../../src/index.ts';

describe('scheduled()', () => {
  it('runs on the every-minute cron and logs a tagged line', async () => {
    const logs = vi.spyOn(console, 'log');
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: '* * * * *', scheduledTime: 1_700_000_000_000 }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const line = logs.mock.calls.map((c) => String(c[0])).find((l) => l.includes('worker:scheduled'));
    expect(line && JSON.parse(line)).toMatchObject({ level: 'info', tag: 'worker:scheduled', cron: '* * * * *' });
    logs.mockRestore();
  });

  it('fails loudly, naming the setting, when the configuration is broken', async () => {
    const errors = vi.spyOn(console, 'error');
    const broken = { ...env, ADMIN_TOKEN: '' };
    await expect(
      worker.scheduled(createScheduledController({ cron: '* * * * *' }), broken, createExecutionContext()),
    ).rejects.toThrow(/ADMIN_TOKEN is missing/);
    expect(errors.mock.calls.map((c) => String(c[0])).join('\n')).not.toContain(env.EVENTSUB_SECRET);
    errors.mockRestore();
  });
});
