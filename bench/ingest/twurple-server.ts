/**
 * @module The peer for webhook ingest (issue #8): `@twurple/eventsub-http` 8.1.4's `EventSubHttpListener` on Node,
 * in its own process so its CPU time is its own, on 127.0.0.1 (test/support/twurple-http.ts), with the same secret
 * the Worker's `default` endpoint uses. Prints `{"port","path"}` once listening; a `stats` line on stdin answers
 * `{"events"}` (notifications its handler received).
 */
import { createInterface } from 'node:readline';
import { startTwurpleHttp } from '../../test/support/twurple-http.ts';

const secret = process.env.BENCH_WEBHOOK_SECRET;
if (!secret) throw new Error('BENCH_WEBHOOK_SECRET is not set');

const http = await startTwurpleHttp(secret);
let events = 0;
// The broadcaster in the path is twurple's own routing; the payloads' broadcasters vary and twurple does not check.
const sub = http.listener.onChannelFollow('90000000', '90000000', () => {
  events++;
});
process.stdout.write(`${JSON.stringify({ port: http.adapter.port, path: `/event/${sub.id}` })}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'stats') process.stdout.write(`${JSON.stringify({ events })}\n`);
});
process.stdin.on('end', () => void http.stop().then(() => process.exit(0)));
