import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

/** Secrets for tests only; the simulator's default app is `sim-client-id` / `sim-client-secret`. */
export const TEST_BINDINGS = {
  TWITCH_CLIENT_ID: 'sim-client-id',
  TWITCH_CLIENT_SECRET: 'sim-client-secret',
  EVENTSUB_SECRET: 'test-eventsub-master-secret-0123456789',
  ADMIN_TOKEN: 'test-admin-token-0123456789',
  CONSUMER_TOKEN: 'test-consumer-token-0123456789',
  PUBLIC_URL: 'http://127.0.0.1:8787',
  CONDUIT_ID: 'auto',
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/node/**/*.test.ts'],
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each file starts its own simulator and wrangler dev; two at once would compete for this 2-core machine.
          fileParallelism: false,
        },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => {
            const sim = `127.0.0.1:${inject('simPort')}`;
            // The simulator calls PUBLIC_URL for webhook challenges; in this runtime a Node stand-in answers them.
            const publicUrl = `http://127.0.0.1:${inject('responderPort')}`;
            return {
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                bindings: {
                  ...TEST_BINDINGS,
                  TWITCH_API_BASE: `http://${sim}/helix`,
                  TWITCH_AUTH_BASE: `http://${sim}/oauth2`,
                  TWITCH_EVENTSUB_WS_URL: `ws://${sim}/ws`,
                  SIM_BASE: `http://${sim}`,
                  // Cases per fuzz run (test/workers/fuzz-*.test.ts); `npm run test:chaos` raises it.
                  FUZZ_CASES: process.env.FUZZ_CASES ?? '',
                  PUBLIC_URL: publicUrl,
                },
              },
            };
          }),
        ],
        test: {
          name: 'workers',
          // One simulator process serves every file, and tests reset it: files run one at a time.
          fileParallelism: false,
          include: ['test/workers/**/*.test.ts'],
          globalSetup: ['./test/workers/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
