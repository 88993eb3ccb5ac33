import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import worker from '../../src/index.ts';
import { simControl, simHelix } from '../support/sim-control.ts';

const sim = simControl(env.SIM_BASE);

beforeEach(async () => {
  await sim.reset();
});

async function tick(e: Env = env) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() }), e, ctx);
  await waitOnExecutionContext(ctx);
}

describe('scheduled()', () => {
  it('asks the controller to reconcile: on a fresh deployment the conduit gets bootstrapped', async () => {
    const logs = vi.spyOn(console, 'log');
    await tick();
    const state = await sim.state();
    expect(state.conduits).toHaveLength(1);
    expect(state.conduits[0]!.shards).toHaveLength(1);
    const line = logs.mock.calls.map((c) => String(c[0])).find((l) => l.includes('worker:scheduled'));
    expect(line && JSON.parse(line)).toMatchObject({
      level: 'info',
      tag: 'worker:scheduled',
      cron: '* * * * *',
      phase: 'done',
    });
    logs.mockRestore();
  });

  it("logs the controller's refusal instead of crashing, and recovers when the conduit vanished", async () => {
    await tick(); // the controller now owns a conduit
    await sim.reset(); // ...which then disappears from Twitch, and two others exist
    const helix = simHelix(env.SIM_BASE);
    await helix.createConduit(1);
    await helix.createConduit(1);
    const errors = vi.spyOn(console, 'error');
    await tick();
    const lines = errors.mock.calls.map((c) => String(c[0]));
    expect(lines.some((l) => l.includes('worker:scheduled') && l.includes('set CONDUIT_ID'))).toBe(true);
    errors.mockRestore();
    // With one conduit left, the next tick adopts it.
    const state = await sim.state();
    await helix.call('DELETE', `/eventsub/conduits?id=${state.conduits[1]!.id}`);
    await tick();
    const status = await env.CONDUIT_CONTROLLER.getByName('conduit:auto').status();
    expect(status.ok && status.value.conduit?.id).toBe(state.conduits[0]!.id);
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
