/**
 * @module Standalone entry of the WebSocket-path bench: `npx tsx bench/ws/main.ts [--smoke]` builds the production
 * bundle into a temp dir (as `npm run bench` does), runs `runWsBench`, prints the Markdown section and the summary.
 */
import { parseArgs } from 'node:util';
import { build, removeTempDirs, tempDir } from '../ingest/targets.ts';
import { runWsBench } from './bench.ts';

const { values: args } = parseArgs({ options: { smoke: { type: 'boolean', default: false } } });
const log = (line: string) => process.stderr.write(`${line}\n`);

const started = performance.now();
try {
  log('ws: building the production bundle');
  const bundle = build('wrangler.toml', tempDir('bench-ws-bundle-'));
  const benchStarted = performance.now();
  const { markdown, summary } = await runWsBench({ smoke: args.smoke === true, log, bundle });
  console.log(markdown);
  console.log(`\n${JSON.stringify(summary)}`);
  log(
    `ws: bench ${((performance.now() - benchStarted) / 1000).toFixed(1)} s, ` +
      `with the build ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  removeTempDirs();
}
