/**
 * @module The machine and software a benchmark ran on (issue #8: results come with the machine description), and
 * the load average, because on a shared machine that is the first thing to read next to any figure.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

function versionOf(pkg: string, from?: string): string {
  try {
    const req = from ? createRequire(fileURLToPath(import.meta.resolve(from))) : require;
    const path = req.resolve(`${pkg}/package.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    // Packages whose `exports` hide package.json: read it from node_modules.
    try {
      const path = fileURLToPath(new URL(`../node_modules/${pkg}/package.json`, import.meta.url));
      return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

export interface Machine {
  rows: [string, string][];
  load: () => string;
}

export function describeMachine(): Machine {
  const changed = git(['status', '--porcelain']);
  const commit = git(['rev-parse', '--short', 'HEAD']);
  return {
    rows: [
      ['CPU', `${cpus()[0]?.model ?? 'unknown'} (nproc ${availableParallelism()})`],
      ['memory', `${(totalmem() / 2 ** 30).toFixed(1)} GiB`],
      ['kernel', `Linux ${release()}`],
      ['Node', process.version],
      ['workerd', versionOf('workerd', 'miniflare')],
      ['miniflare', versionOf('miniflare')],
      ['wrangler', versionOf('wrangler')],
      ['@twurple/eventsub-http', versionOf('@twurple/eventsub-http')],
      ['autocannon', versionOf('autocannon')],
      ['commit', changed === '' ? commit : `${commit} with uncommitted changes`],
    ],
    load: () =>
      loadavg()
        .map((l) => l.toFixed(2))
        .join(' / '),
  };
}
