/**
 * Fuzzing `parseFrame` with frames a socket could receive (issue #8; twitch-eventsub.md §6.2–6.3): a seeded stream
 * of at least 10,000 valid, extended, unknown, broken and byte-damaged frames (test/support/fuzz/frame-cases.ts).
 * Proves: it never throws; additions never change what a frame is; broken envelopes and payloads are `invalid`
 * with a reason that echoes no value; whatever it returns is well formed (ids non-empty, timestamps RFC3339,
 * reconnect URLs ws/wss, payloads JSON with a subscription). Says nothing about the socket machine that consumes it.
 */
import { expect, it } from 'vitest';
import type { WsFrame } from '../../src/core/eventsub-ws-types.ts';
import { parseFrame } from '../../src/core/eventsub-ws.wire.ts';
import { parseTwitchTime } from '../../src/verify/twitch-time.ts';
import { FRAME_FAMILIES, FRAME_MARKER, frameFuzzer, type FrameCase } from '../support/fuzz/frame-cases.ts';

const SEED = 0x5eed_f4a3;
const CASES = Number(process.env.FUZZ_CASES) || 10_000;

/** Null when the frame is well formed for its kind, else what is wrong. */
function malformed(f: WsFrame): string | null {
  if (f.kind === 'invalid') return f.reason.includes(FRAME_MARKER) ? 'reason echoes a value' : null;
  if (typeof f.meta.messageId !== 'string' || f.meta.messageId === '') return 'empty message id';
  if (parseTwitchTime(f.meta.sentAt) === null) return 'sentAt is not RFC3339';
  switch (f.kind) {
    case 'welcome':
      return f.session.id ? null : 'welcome without a session id';
    case 'reconnect':
      return /^wss?:\/\//i.test(f.session.reconnectUrl) ? null : 'reconnect URL is not ws/wss';
    case 'notification':
    case 'revocation': {
      if (!f.routingKey || !f.subscriptionId || !f.subscriptionType || !f.subscriptionVersion) return 'empty field';
      const payload = JSON.parse(f.payload) as { subscription?: unknown };
      return typeof payload.subscription === 'object' && payload.subscription !== null
        ? null
        : 'payload lost its subscription';
    }
    case 'other':
      return f.messageType ? null : 'other without a type';
    case 'keepalive':
      return null;
  }
}

it(`parses every fuzzed frame without throwing, into well-formed frames (${CASES} cases, seed ${SEED})`, () => {
  const fuzzer = frameFuzzer(SEED);
  const problems: string[] = [];
  const families = new Map<string, number>();
  const kinds = new Map<string, number>();
  for (let i = 0; i < CASES; i++) {
    const c: FrameCase = fuzzer.next(i);
    families.set(c.family, (families.get(c.family) ?? 0) + 1);
    let f: WsFrame;
    try {
      f = parseFrame(c.text);
    } catch (err) {
      problems.push(`#${i} ${c.family}: threw ${String(err)}`);
      continue;
    }
    kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
    if (c.expect !== null && f.kind !== c.expect) problems.push(`#${i} ${c.family}: ${f.kind}, expected ${c.expect}`);
    const bad = malformed(f);
    if (bad) problems.push(`#${i} ${c.family}: ${bad}`);
  }
  console.log(
    `fuzz-frames: ${JSON.stringify({ seed: SEED, cases: CASES, families: Object.fromEntries(families), kinds: Object.fromEntries(kinds), problems: problems.length })}`,
  );
  expect(problems.slice(0, 20)).toEqual([]);
  expect(new Set(families.keys())).toEqual(new Set(FRAME_FAMILIES));
  for (const kind of ['welcome', 'keepalive', 'reconnect', 'notification', 'revocation', 'other', 'invalid']) {
    expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(0);
  }
});
