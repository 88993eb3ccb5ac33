/**
 * Hibernation-safe consumer state (cloudflare.md §2): after the ConsumerHub is evicted with its sockets hibernated
 * (`evictDurableObject(…, { webSockets: 'hibernate' })`), a new instance serves the same sockets from their tags and
 * attachments: filters still apply, cursors continue from the heads kept in SQLite, and a resume from the last
 * cursor still has nothing missing. What it does not prove: production's hibernation timing (about 10 s idle).
 */
import { evictDurableObject, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { decodeCursor } from '../../src/core/consumer-cursor.ts';
import { bucketOf } from '../../src/core/hash.ts';
import type { ConsumerHub } from '../../src/durable/consumer-hub.ts';
import { withTimeout } from '../support/wait.ts';
import { connect, consumerHub, HUB_COUNT, ingest, published } from './support/events.ts';

const MARK = Symbol.for('conduit-test-instance');
type Marked = ConsumerHub & { [MARK]?: boolean };

describe('ConsumerHub hibernation', () => {
  it('keeps serving hibernated sockets with their filters and positions', async () => {
    const c = await connect('?broadcaster=hib1&type=channel.follow');
    await c.waitFrame('live');
    const before = await ingest('hib1', 2);
    await published('hib1');
    await c.waitEvents(2);
    await runInDurableObject(consumerHub(), (ch: Marked) => {
      ch[MARK] = true;
    });

    await withTimeout('eviction', evictDurableObject(consumerHub(), { webSockets: 'hibernate' }), 20_000);
    const fresh = await runInDurableObject(consumerHub(), (ch: Marked) => ch[MARK] !== true);
    expect(fresh).toBe(true);

    await ingest('hib2', 1);
    await published('hib2');
    await ingest('hib1', 1, 'channel.cheer');
    await published('hib1');
    const after = await ingest('hib1', 2);
    await published('hib1');
    const events = await c.waitEvents(4);
    expect(events.map((e) => e.message_id)).toEqual([...before, ...after]);
    const hub = bucketOf('hib1', HUB_COUNT);
    const seqs = events.map((e) => decodeCursor(e.cursor)![hub]);
    expect(seqs).toEqual(events.map((e) => e.seq));
    // The cheer in between was skipped by the filter, not lost: the sequence jumps over it.
    expect(events[2]!.seq).toBe(events[1]!.seq + 2);

    c.close();
    const resumed = await connect(`?broadcaster=hib1&type=channel.follow&since=${events[1]!.cursor}`);
    await resumed.waitFrame('live');
    expect(resumed.events().map((e) => e.message_id)).toEqual(after);
    resumed.close();
  });
});
