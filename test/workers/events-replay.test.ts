/**
 * `GET /events?since=` (design.md §5): a consumer that resumes from a frame's cursor gets exactly what came after
 * it — replayed from the hubs' logs, then live — with no gap and no duplicate while events keep arriving on three
 * hubs, each broadcaster's events in order. A witness socket connected throughout is the reference. A cursor older
 * than a hub's retention replays from the oldest kept and says so in the welcome frame; a cursor past a hub's end or
 * for another hub count is reported too, and never makes the socket skip later events.
 */
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/core/consumer-cursor.ts';
import type { EventFrame, WelcomeFrame } from '../../src/core/consumer-frames.ts';
import { bucketOf } from '../../src/core/hash.ts';
import { DEFAULT_HUB_POLICY, type EventHub } from '../../src/durable/event-hub.ts';
import {
  broadcastersOnDistinctHubs,
  connect,
  holdReplay,
  HUB_COUNT,
  hubOf,
  ingest,
  published,
} from './support/events.ts';

const ids = (frames: EventFrame[]) => frames.map((f) => f.message_id);

/** Each broadcaster's sequence numbers, in the order received. */
function perBroadcaster(frames: EventFrame[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const f of frames) out.set(f.broadcaster, [...(out.get(f.broadcaster) ?? []), f.seq]);
  return out;
}

describe('GET /events?since=', () => {
  it('resumes after a cursor with no gap and no duplicate while events keep arriving', async () => {
    const bs = broadcastersOnDistinctHubs('rpl', 3);
    const filter = bs.map((b) => `broadcaster=${b}`).join('&');
    const witness = await connect(`?${filter}`);
    const first = await connect(`?${filter}`);
    await witness.waitFrame('live');
    await first.waitFrame('live');
    for (let i = 0; i < 12; i++) await ingest(bs[i % 3]!, 1);
    await first.waitEvents(12);
    const cursor = first.events()[5]!.cursor;
    first.close();
    // Ten more arrive before the resume, ten more while it replays and goes live.
    for (let i = 0; i < 10; i++) await ingest(bs[i % 3]!, 1);
    const producing = (async () => {
      for (let i = 0; i < 10; i++) await ingest(bs[(i + 1) % 3]!, 1);
    })();
    const resumed = await connect(`?${filter}&since=${cursor}`);
    await producing;
    for (const b of bs) await published(b);
    const all = await witness.waitEvents(32);
    const expected = all.slice(6);
    const got = await resumed.waitEvents(expected.length);
    await resumed.waitFrame('live');

    expect(new Set(ids(got)).size).toBe(got.length);
    expect([...ids(got)].sort()).toEqual([...ids(expected)].sort());
    expect(perBroadcaster(got)).toEqual(perBroadcaster(expected));
    expect(got.some((f) => f.replayed)).toBe(true);
    const welcome = resumed.frames[0] as WelcomeFrame;
    expect(welcome).toMatchObject({ frame: 'welcome', replay: { truncated: false, reason: null, hubs: [] } });
    expect(welcome.cursor).toBe(cursor);
    // The last frame's cursor is where the witness stands: a later resume from it starts at the same point.
    const lastCursor = decodeCursor(got[got.length - 1]!.cursor)!;
    for (const b of bs) {
      const hub = bucketOf(b, HUB_COUNT);
      expect(lastCursor[hub]).toBe(Math.max(...all.filter((f) => f.hub === hub).map((f) => f.seq)));
    }
    witness.close();
    resumed.close();
  });

  it.each([
    ['before the read', 'before'],
    ['after the read, before its answer', 'after'],
  ] as const)('neither loses nor repeats events published while the replay waits %s', async (_name, when) => {
    const [b] = broadcastersOnDistinctHubs(`rpg${when}`, 1) as [string];
    const witness = await connect(`?broadcaster=${b}`);
    await witness.waitFrame('live');
    await ingest(b, 3);
    const [firstEvent] = await witness.waitEvents(3);
    const hold = await holdReplay(bucketOf(b, HUB_COUNT), when);
    try {
      const resumed = await connect(`?broadcaster=${b}&since=${firstEvent!.cursor}`);
      await hold.held();
      // Published while the replay is held: buffered for the resuming socket.
      await ingest(b, 3);
      await published(b);
      await witness.waitEvents(6);
      hold.release();
      await resumed.waitFrame('live');
      expect(ids(resumed.events())).toEqual(ids(witness.events().slice(1)));
      resumed.close();
      witness.close();
    } finally {
      await hold.restore();
    }
  });

  it('resumes from the last frame with nothing to replay and then gets only new events', async () => {
    const [b] = broadcastersOnDistinctHubs('rpn', 1) as [string];
    const first = await connect(`?broadcaster=${b}`);
    await first.waitFrame('live');
    await ingest(b, 3);
    const seen = await first.waitEvents(3);
    first.close();
    const again = await connect(`?broadcaster=${b}&since=${seen[2]!.cursor}`);
    await again.waitFrame('live');
    const [fresh] = await ingest(b, 1);
    const [e] = await again.waitEvents(1);
    expect(e!.message_id).toBe(fresh);
    expect(e!.replayed).toBe(false);
    expect(again.events()).toHaveLength(1);
    again.close();
  });

  it('replays from the oldest kept event when the cursor is older than retention, and says so', async () => {
    const [b] = broadcastersOnDistinctHubs('rpt', 1) as [string];
    const hub = hubOf(b);
    await runInDurableObject(hub, (h: EventHub) => {
      h.policy = { ...DEFAULT_HUB_POLICY, maxEvents: 3, pruneEvery: 1 };
    });
    try {
      const witness = await connect(`?broadcaster=${b}`);
      await witness.waitFrame('live');
      await ingest(b, 1);
      const [firstEvent] = await witness.waitEvents(1);
      // Pruning keeps unrouted events (the outbox): let each reach the Queue before the next insert prunes.
      await hub.routed();
      for (let i = 0; i < 6; i++) {
        await ingest(b, 1);
        await hub.routed();
      }
      const all = await witness.waitEvents(7);
      const resumed = await connect(`?broadcaster=${b}&since=${firstEvent!.cursor}`);
      await resumed.waitFrame('live');
      expect(resumed.frames[0]).toMatchObject({
        frame: 'welcome',
        replay: { truncated: true, reason: 'retention', hubs: [bucketOf(b, HUB_COUNT)] },
      });
      // Only the newest three are kept.
      expect(ids(resumed.events())).toEqual(ids(all.slice(4)));
      witness.close();
      resumed.close();
    } finally {
      await runInDurableObject(hub, (h: EventHub) => {
        h.policy = DEFAULT_HUB_POLICY;
      });
    }
  });

  it('moves a cursor past the hub’s end back to it, says so, and still delivers what comes next', async () => {
    const [b] = broadcastersOnDistinctHubs('rpa', 1) as [string];
    const index = bucketOf(b, HUB_COUNT);
    const ahead = Array.from({ length: HUB_COUNT }, () => 0);
    ahead[index] = 1_000_000;
    const c = await connect(`?broadcaster=${b}&since=${encodeCursor(ahead)}`);
    await c.waitFrame('live');
    expect(c.frames[0]).toMatchObject({ replay: { truncated: true, reason: 'cursor_ahead', hubs: [index] } });
    const [fresh] = await ingest(b, 1);
    const [e] = await c.waitEvents(1);
    expect(e!.message_id).toBe(fresh);
    c.close();
  });

  it('replays everything kept when the cursor is for another hub count', async () => {
    const [b] = broadcastersOnDistinctHubs('rph', 1) as [string];
    const kept = await ingest(b, 2);
    await published(b);
    const c = await connect(`?broadcaster=${b}&since=${encodeCursor([5, 5])}`);
    await c.waitFrame('live');
    expect(c.frames[0]).toMatchObject({ replay: { truncated: true, reason: 'hub_count' } });
    expect(ids(c.events())).toEqual(kept);
    c.close();
  });
});
