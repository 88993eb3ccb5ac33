#!/usr/bin/env node
// `npm run dev`: the whole system on one machine, no Twitch account needed. Starts the Twitch simulator (with a
// steady trickle of demo events) and `wrangler dev`, wired together: the Worker's TWITCH_* bases point at the
// simulator. Writes a `.dev.vars` with fresh local secrets on first run.
//
//   npm run dev                 run until Ctrl-C
//   npm run dev -- --check      start both, prove they answer, stop (used by CI as a smoke test)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    'sim-port': { type: 'string', default: process.env.SIM_PORT ?? '8080' },
    port: { type: 'string', default: process.env.PORT ?? '8787' },
  },
});
const simPort = Number(values['sim-port']);
const port = Number(values.port);
const sim = `http://127.0.0.1:${simPort}`;
const worker = `http://127.0.0.1:${port}`;

function ensureDevVars() {
  if (existsSync('.dev.vars')) {
    const text = readFileSync('.dev.vars', 'utf8');
    const missing = ['TWITCH_CLIENT_SECRET', 'EVENTSUB_SECRET', 'ADMIN_TOKEN'].filter((k) => !text.includes(`${k}=`));
    if (missing.length) throw new Error(`.dev.vars lacks ${missing.join(', ')}; add them or delete the file`);
    return;
  }
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

const children = [];
function run(name, cmd, args) {
  const child = spawn(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  const prefix = (stream, out) => {
    let buf = '';
    stream.on('data', (d) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) out.write(`[${name}] ${line}\n`);
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[dev] ${name} exited (${signal ?? code}); stopping`);
      stop(1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1_500).unref();
}
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));

async function waitFor(what, url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline && !stopping) {
    try {
      const res = await fetch(url);
      if (res.ok) return res;
      last = `HTTP ${res.status}: ${await res.text()}`;
    } catch (err) {
      last = String(err.cause ?? err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not answer at ${url} within ${timeoutMs / 1000} s (${last})`);
}

try {
  ensureDevVars();
  run('sim', process.execPath, ['--import', 'tsx', 'sim/cli.ts', '--port', String(simPort), '--demo']);
  await waitFor('the simulator', `${sim}/_sim/state`, 20_000);
  const vars = [
    `TWITCH_API_BASE:${sim}/helix`,
    `TWITCH_AUTH_BASE:${sim}/oauth2`,
    `TWITCH_EVENTSUB_WS_URL:ws://127.0.0.1:${simPort}/ws`,
    `PUBLIC_URL:${worker}`,
  ].flatMap((v) => ['--var', v]);
  run('worker', process.execPath, [
    'node_modules/wrangler/bin/wrangler.js',
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--show-interactive-dev-session=false',
    ...vars,
  ]);
  const health = await waitFor('the Worker', `${worker}/healthz`, 90_000);
  console.log(`[dev] up: Worker ${worker} (healthz: ${await health.text()}), simulator ${sim}`);
  if (values.check) {
    console.log('[dev] --check passed: simulator and Worker both answer');
    stop(0);
  }
} catch (err) {
  console.error(`[dev] ${err.message}`);
  stop(1);
}
