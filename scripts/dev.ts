/**
 * @module `npm run dev`: the whole system on one machine, no Twitch account needed. The simulator (with a steady
 * trickle of demo events) and `wrangler dev`, wired together and provisioned through the admin API; the cron is
 * fired every minute, as Cloudflare would.
 *
 *   npm run dev                 run until Ctrl-C
 *   npm run dev -- --check      start, provision, wait until demo events reach the handlers, stop (CI smoke test)
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startDemo } from '../sim/demo.ts';
import { provisionDev } from './provision.ts';
import { startStack, type StackSecrets } from './stack.ts';

const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    'sim-port': { type: 'string', default: process.env.SIM_PORT ?? '8080' },
    port: { type: 'string', default: process.env.PORT ?? '8787' },
  },
});

/** Local secrets live in a git-ignored `.dev.vars` (cloudflare.md §4.3); created with fresh values on first run. */
function devSecrets(): StackSecrets {
  if (!existsSync('.dev.vars')) {
    const hex = () => randomBytes(24).toString('hex');
    writeFileSync(
      '.dev.vars',
      [
        "# Local secrets for `npm run dev` (git-ignored). The simulator's default app secret is sim-client-secret.",
        'TWITCH_CLIENT_SECRET=sim-client-secret',
        `EVENTSUB_SECRET=${hex()}`,
        `ADMIN_TOKEN=${hex()}`,
        `CONSUMER_TOKEN=${hex()}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    console.log('[dev] wrote .dev.vars with fresh local secrets (the admin token is there)');
  }
  const vars = Object.fromEntries(
    readFileSync('.dev.vars', 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const missing = ['TWITCH_CLIENT_SECRET', 'EVENTSUB_SECRET', 'ADMIN_TOKEN'].filter((k) => !vars[k]);
  if (missing.length) throw new Error(`.dev.vars lacks ${missing.join(', ')}; add them or delete the file`);
  return vars as unknown as StackSecrets;
}

async function main(): Promise<void> {
  const secrets = devSecrets();
  const stack = await startStack({
    simPort: Number(values['sim-port']),
    workerPort: Number(values.port),
    secrets,
    persistTo: '.wrangler/state',
    log: (line) => {
      if (!/Request\.cf|getaddrinfo|GetAddrInfoReqWrap|callbackTrampoline/.test(line)) console.log(line);
    },
  });
  let stopped = false;
  const stopDemo = startDemo(stack.sim.sim, { intervalMs: 1_000, log: (l) => console.log(`[sim] ${l}`) });
  const cron = setInterval(
    () => void stack.cron().catch((e: unknown) => console.error(`[dev] cron: ${String(e)}`)),
    60_000,
  );
  const stop = async (code: number): Promise<never> => {
    stopped = true;
    clearInterval(cron);
    stopDemo();
    await stack.close();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  await provisionDev(stack, (l) => console.log(l));
  console.log(`[dev] up: Worker ${stack.workerUrl}, simulator ${stack.sim.url}`);
  console.log(`[dev] try: curl -H "Authorization: Bearer $ADMIN_TOKEN" ${stack.workerUrl}/admin/api/status`);
  console.log('[dev]      (ADMIN_TOKEN is in .dev.vars; events land in /admin/api/events/recent)');
  if (!values.check) return;

  const deadline = Date.now() + 60_000;
  while (!stopped && Date.now() < deadline) {
    const recent = await stack.admin<{ events: { handled: number }[] }>('GET', '/events/recent?limit=50');
    const handled = recent.status === 200 ? recent.body.events.filter((e) => e.handled > 0).length : 0;
    if (handled > 0) {
      console.log(`[dev] --check passed: ${handled} demo event(s) reached the handlers`);
      await stop(0);
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  console.error('[dev] --check failed: no demo event reached a handler within 60 s');
  await stop(1);
}

main().catch((err: unknown) => {
  console.error(`[dev] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
