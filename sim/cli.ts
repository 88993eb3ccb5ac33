/**
 * @module `npm run sim`: start the simulator, or script a running one through its control API.
 *
 *   npm run sim                      start on SIM_PORT (default 8080)
 *   npm run sim -- --demo            start and emit a steady trickle of demo events
 *   npm run sim -- trigger TYPE [--version V] [--broadcaster ID] [--event JSON] [--duplicates N]
 *   npm run sim -- reconnect SESSION | close SESSION CODE | silence SESSION
 *   npm run sim -- state | stats | reset | expire-tokens
 */
import { parseArgs } from 'node:util';
import { startDemo } from './demo.ts';
import { startSimulator } from './server.ts';

const USAGE = `usage:
  sim [--port N] [--host H] [--demo] [--demo-interval MS]
  sim trigger TYPE [--version V] [--broadcaster ID] [--condition JSON] [--event JSON] [--duplicates N]
  sim reconnect SESSION | silence SESSION | close SESSION CODE|drop
  sim state | stats | reset | expire-tokens
options for commands: --url URL (default http://127.0.0.1:$SIM_PORT or :8080)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    demo: { type: 'boolean', default: false },
    'demo-interval': { type: 'string' },
    url: { type: 'string' },
    version: { type: 'string' },
    broadcaster: { type: 'string' },
    condition: { type: 'string' },
    event: { type: 'string' },
    duplicates: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

function fail(message: string): never {
  console.error(`sim: ${message}`);
  process.exit(2);
}

function json(text: string | undefined, flag: string): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  return fail(`${flag} must be a JSON object`);
}

async function call(method: string, path: string, payload?: unknown): Promise<void> {
  const base = values.url ?? `http://127.0.0.1:${process.env.SIM_PORT ?? '8080'}`;
  let res: Response;
  try {
    res = await fetch(`${base}/_sim${path}`, {
      method,
      headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
  } catch (err) {
    return fail(`cannot reach the simulator at ${base}: ${String((err as Error).cause ?? err)}`);
  }
  const text = await res.text();
  console.log(text);
  if (!res.ok) process.exit(1);
}

async function main(): Promise<void> {
  if (values.help) return void console.log(USAGE);
  const [command, ...args] = positionals;
  switch (command) {
    case undefined: {
      const port = Number(values.port ?? process.env.SIM_PORT ?? 8080);
      if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad port ${values.port ?? process.env.SIM_PORT}`);
      const running = await startSimulator({ port, host: values.host ?? '127.0.0.1' });
      console.log(
        `twitch simulator listening on ${running.url} (EventSub WebSocket at ${running.url.replace('http', 'ws')}/ws)`,
      );
      let stopDemo = (): void => {};
      if (values.demo) {
        const intervalMs = Number(values['demo-interval'] ?? 1_500);
        if (!Number.isFinite(intervalMs) || intervalMs < 10) fail('--demo-interval must be a number of ms >= 10');
        stopDemo = startDemo(running.sim, { intervalMs, log: (l) => console.log(l) });
        console.log(`demo mode: an event every ${intervalMs} ms to whatever subscribed`);
      }
      const stop = (): void => {
        stopDemo();
        void running.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return;
    }
    case 'trigger': {
      const type = args[0] ?? fail('trigger needs a subscription type');
      const condition = json(values.condition, '--condition') ?? {};
      if (values.broadcaster) condition.broadcaster_user_id = values.broadcaster;
      return call('POST', '/events', {
        type,
        version: values.version ?? '1',
        condition: Object.keys(condition).length ? condition : undefined,
        event: json(values.event, '--event'),
        duplicates: values.duplicates === undefined ? undefined : Number(values.duplicates),
      });
    }
    case 'reconnect':
    case 'silence':
      return call(
        'POST',
        `/sessions/${encodeURIComponent(args[0] ?? fail(`${command} needs a session id`))}/${command}`,
      );
    case 'close': {
      const [session, code] = args;
      if (!session || !code) fail('close needs a session id and a code (or "drop")');
      return call('POST', `/sessions/${encodeURIComponent(session)}/close`, {
        code: code === 'drop' ? 'drop' : Number(code),
      });
    }
    case 'state':
    case 'stats':
      return call('GET', `/${command}`);
    case 'reset':
      return call('POST', '/reset');
    case 'expire-tokens':
      return call('POST', '/tokens/expire', {});
    default:
      fail(`unknown command ${command}\n${USAGE}`);
  }
}

await main();
