/**
 * @module A seeded generator of EventSub WebSocket text frames a socket could receive (issue #8; twitch-eventsub.md
 * §6.2–6.3) for `parseFrame`: valid frames with fields added or reordered (still the same kind: Twitch adds fields
 * without notice, §0), frames of unknown types (`other`), broken envelopes and payloads (`invalid`), and arbitrary
 * byte damage (anything, as long as nothing throws). A marker string rides in the frames' values so a test can prove
 * no value is echoed into a rejection reason.
 */
import { seededRng, type Rng } from '../prng.ts';
import { keepaliveText, notificationText, reconnectText, revocationText, welcomeText } from '../eventsub-ws-frames.ts';
import { deepJson, nastyString, notJson, pollutingKeys, randomAscii, wrongTypeValue } from './hostile.ts';

export type FrameKind = 'welcome' | 'keepalive' | 'reconnect' | 'notification' | 'revocation' | 'other' | 'invalid';

export interface FrameCase {
  index: number;
  family: string;
  text: string;
  /** The kind `parseFrame` must answer, or null when any kind is acceptable. */
  expect: FrameKind | null;
}

export const FRAME_MARKER = 'MARKER-7f3a';
const KNOWN_TYPES = ['session_welcome', 'session_keepalive', 'session_reconnect', 'notification', 'revocation'];

type Json = Record<string, unknown>;

function base(rng: Rng): { kind: FrameKind; frame: Json } {
  const id = `${FRAME_MARKER}-${rng.int(0, 1e6)}`;
  const broadcaster = String(rng.int(1, 99_999_999));
  const [kind, text] = rng.pick<[FrameKind, () => string]>([
    ['welcome', () => welcomeText(id, rng.pick([10, 30, 600, null]))],
    ['keepalive', () => keepaliveText()],
    ['reconnect', () => reconnectText(id, `wss://eventsub.example/ws?id=${FRAME_MARKER}`)],
    ['notification', () => notificationText({ broadcaster, subscriptionId: id })],
    ['revocation', () => revocationText({ broadcaster, subscriptionId: id })],
  ]);
  return { kind, frame: JSON.parse(text()) as Json };
}

/** Every nested object of a frame, for placing additions and damage at random depths. */
function objects(v: unknown, out: Json[] = []): Json[] {
  if (typeof v === 'object' && v !== null) {
    if (!Array.isArray(v)) out.push(v as Json);
    for (const child of Object.values(v)) objects(child, out);
  }
  return out;
}

const FAMILIES: readonly [string, number][] = [
  ['additive', 20],
  ['reserialized', 5],
  ['unknown-type', 8],
  ['not-json', 10],
  ['top-level', 7],
  ['metadata-broken', 20],
  ['payload-broken', 15],
  ['byte-damage', 15],
];
export const FRAME_FAMILIES: readonly string[] = FAMILIES.map(([f]) => f);

const BAD_TIMESTAMPS = [
  'yesterday',
  '1700000000',
  '2026-13-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '',
  'T',
  '2026-11-01T24:00:00Z',
];

function breakMetadata(rng: Rng, meta: Json): void {
  const field = rng.pick(['message_id', 'message_type', 'message_timestamp']);
  const how = rng.int(0, 2);
  if (how === 0) delete meta[field];
  else if (how === 1) meta[field] = field === 'message_timestamp' ? rng.pick(BAD_TIMESTAMPS) : '';
  else meta[field] = wrongTypeValue(rng, ['string']);
}

/** Damage the part of the payload this kind is read from; a keepalive's payload is never read (null: no damage). */
function breakPayload(rng: Rng, kind: FrameKind, frame: Json): boolean {
  const payload = frame.payload as Json;
  if (kind === 'keepalive') return false;
  if (kind === 'welcome' || kind === 'reconnect') {
    const session = payload.session as Json;
    const options: (() => void)[] = [
      () => delete payload.session,
      () => (payload.session = wrongTypeValue(rng, ['object'])),
      () => (session.id = rng.pick(['', 7, null, []])),
      () => delete session.id,
      () => (session.status = wrongTypeValue(rng, ['string'])),
      () => (session.keepalive_timeout_seconds = rng.pick([-1, 0, 'ten', {}])),
    ];
    if (kind === 'reconnect')
      options.push(
        () => (session.reconnect_url = rng.pick(['https://x', '', null, 5, 'ws:/x', `ftp://${FRAME_MARKER}`])),
      );
    rng.pick(options)();
    return true;
  }
  const sub = payload.subscription as Json;
  const options: (() => void)[] = [
    () => delete payload.subscription,
    () => (payload.subscription = wrongTypeValue(rng, ['object'])),
    () => (sub.id = rng.pick(['', 1, null])),
    () => (sub.type = rng.pick(['', 2, []])),
    () => (sub.condition = rng.pick(['x', [], null])),
  ];
  if (kind === 'notification') {
    options.push(
      () => delete payload.event,
      () => (payload.event = rng.pick(['x', [], 5])),
    );
  }
  rng.pick(options)();
  return true;
}

export function frameFuzzer(seed: number) {
  const rng = seededRng(seed);
  const pick = (): string => {
    const total = FAMILIES.reduce((s, [, w]) => s + w, 0);
    let x = rng.next() * total;
    for (const [family, weight] of FAMILIES) if ((x -= weight) < 0) return family;
    return 'additive';
  };

  return {
    next(index: number): FrameCase {
      const family = pick();
      const { kind, frame } = base(rng);
      const meta = frame.metadata as Json;
      const done = (text: string, expect: FrameKind | null): FrameCase => ({ index, family, text, expect });
      switch (family) {
        case 'additive': {
          for (let i = rng.int(1, 4); i > 0; i--) {
            const target = rng.pick(objects(frame));
            const key = rng.chance(0.2) ? Object.keys(pollutingKeys(rng))[0]! : `x_${randomAscii(rng, 6)}`;
            if (key in target) continue;
            Object.defineProperty(target, key, {
              value: rng.chance(0.5) ? nastyString(rng) : { deep: JSON.parse(deepJson(rng.int(1, 300), 'array')) },
              enumerable: true,
            });
          }
          return done(JSON.stringify(frame), kind);
        }
        case 'reserialized':
          return done(JSON.stringify(frame, null, rng.pick([1, 2, '\t'])), kind);
        case 'unknown-type': {
          let type = rng.pick([
            'session_disconnect',
            'Notification',
            'revocations',
            `x_${randomAscii(rng, 12)}`,
            nastyString(rng),
          ]);
          if (type === '' || KNOWN_TYPES.includes(type)) type = 'session_future';
          meta.message_type = type;
          return done(JSON.stringify(frame), 'other');
        }
        case 'not-json':
          return done(notJson(rng, JSON.stringify(frame)), 'invalid');
        case 'top-level':
          return done(
            rng.pick([
              '[]',
              '1',
              '"x"',
              'null',
              'true',
              deepJson(rng.int(1_000, 100_000), 'array'),
              JSON.stringify([frame]),
            ]),
            'invalid',
          );
        case 'metadata-broken':
          if (rng.chance(0.15)) delete frame.metadata;
          else breakMetadata(rng, meta);
          return done(JSON.stringify(frame), 'invalid');
        case 'payload-broken': {
          const broken = breakPayload(rng, kind, frame);
          return done(JSON.stringify(frame), broken ? 'invalid' : kind);
        }
        case 'byte-damage': {
          const chars = [...JSON.stringify(frame)];
          for (let i = rng.int(1, 5); i > 0; i--) {
            const at = rng.int(0, chars.length - 1);
            chars[at] = rng.pick(['"', '{', '}', ',', ':', '\\', '\u0000', '\ud800', 'x', '']);
          }
          return done(chars.join(''), null);
        }
        default:
          throw new Error(`unknown family ${family}`);
      }
    },
  };
}
