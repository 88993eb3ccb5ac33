/**
 * Fault-injection scenarios (`npm run test:chaos`, docs/reliability.md): Workers-runtime tests like the `workers`
 * project, against the same simulator process, but with the Worker's public URL on the webhook relay so that
 * webhook shards reach the real route. Kept out of `npm test` (its own config); each scenario prints one
 * `[chaos] …` line, and the reporter collects them into a table at the end.
 */
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { TEST_BINDINGS } from './vitest.config.ts';

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => {
      const sim = `127.0.0.1:${inject('simPort')}`;
      return {
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            ...TEST_BINDINGS,
            TWITCH_API_BASE: `http://${sim}/helix`,
            TWITCH_AUTH_BASE: `http://${sim}/oauth2`,
            TWITCH_EVENTSUB_WS_URL: `ws://${sim}/ws`,
            SIM_BASE: `http://${sim}`,
            PUBLIC_URL: `http://127.0.0.1:${inject('relayPort')}`,
          },
        },
      };
    }),
  ],
  test: {
    name: 'chaos',
    include: ['test/chaos/**/*.test.ts'],
    globalSetup: ['./test/chaos/global-setup.ts'],
    // One simulator serves every file, and scenarios reset it: files run one at a time.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/chaos-reporter.ts'],
    // The Worker's routine JSON log lines (a handler line per event) would bury the reports; warnings and errors stay.
    onConsoleLog: (log) => !/^\{"level":"(debug|info)"/.test(log),
  },
});
