/**
 * @module `npx tsx bench/scale/main.ts [--smoke]`: the scale benchmark on its own. Builds the production bundle
 * (`wrangler deploy --dry-run --outdir`) into a temp dir, runs the section and prints its Markdown; progress goes to
 * stderr. `npm run bench` runs the same function with the bundle it built.
 */
import { parseArgs } from 'node:util';
import { build, removeTempDirs, tempDir } from '../ingest/targets.ts';
import { runScaleBench } from './index.ts';

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false } } });
const log = (line: string) => process.stderr.write(`${line}\n`);

try {
  const started = performance.now();
  log('building the production bundle');
  const bundle = build('wrangler.toml', tempDir('bench-scale-'));
  const benchStarted = performance.now();
  const { markdown, summary } = await runScaleBench({ smoke: values.smoke === true, log, bundle });
  console.log(markdown);
  log(`summary: ${JSON.stringify(summary, null, 2)}`);
  const s = (from: number) => ((performance.now() - from) / 1000).toFixed(1);
  log(`scale bench: ${s(benchStarted)} s (${s(started)} s with the build)`);
} finally {
  removeTempDirs();
}
