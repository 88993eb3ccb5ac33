/**
 * Slow consumers (design.md §5; sockets.ts): workerd has no `bufferedAmount` (workerd#988), so consumers
 * acknowledge frames (`ack <n>`). A live socket that leaves more than `maxUnacked` frames unacknowledged is sent a
 * closing frame and closed with 4008 and "consumer too slow; resume with ?since=<cursor>", while a consumer that
 * keeps up on the same broadcaster receives everything; resuming from the reason's cursor continues with no gap.
 * A replay waits for acknowledgements instead of overrunning the window (and gives up after `ackTimeoutMs`), and
 * the live events held for a replaying socket are bounded. The window is shrunk to make this quick.
 */
import { describe, expect, it } from 'vitest';
import { CLOSE_TOO_SLOW, type ClosingFrame } from '../../src/core/consumer-frames.ts';
import { bucketOf } from '../../src/core/hash.ts';
import { withTimeout } from '../support/wait.ts';
import { connect, consumerPolicy, holdReplay, HUB_COUNT, ingest, published } from './support/events.ts';

const REASON = /^consumer too slow; resume with \?since=([0-9a-z.]+)$/;

describe('slow consumers', () => {
  it('closes a consumer that stops acknowledging, with a resume cursor, while a fast one gets everything', async () => {
    const restore = await consumerPolicy({ maxUnacked: 20 });
    try {
      const slow = await connect('?broadcaster=slw1', undefined, { ack: false });
      const fast = await connect('?broadcaster=slw1');
      await slow.waitFrame('live');
      await fast.waitFrame('live');
      const sent: string[] = [];
      for (let i = 0; i < 8; i++) {
        sent.push(...(await ingest('slw1', 5)));
        await published('slw1');
        await fast.waitEvents(sent.length);
      }
      expect(fast.events().map((e) => e.message_id)).toEqual(sent);

      const closed = await withTimeout('the slow socket to close', slow.closed);
      expect(closed.code).toBe(CLOSE_TOO_SLOW);
      const cursor = REASON.exec(closed.reason)?.[1];
      expect(cursor).toBeDefined();
      const notice = slow.frames[slow.frames.length - 1] as ClosingFrame;
      expect(notice).toMatchObject({ frame: 'closing', code: CLOSE_TOO_SLOW, cursor });
      // Two control frames and 18 events fill the window of 20; the 19th event was the one too many.
      const had = slow.events();
      expect(had).toHaveLength(19);
      expect(had[had.length - 1]!.cursor).toBe(cursor);

      const resumed = await connect(`?broadcaster=slw1&since=${cursor}`);
      await resumed.waitFrame('live');
      expect([...had, ...resumed.events()].map((e) => e.message_id)).toEqual(sent);
      fast.close();
      resumed.close();
    } finally {
      await restore();
    }
  });

  it('lets a replay longer than the window wait for acknowledgements instead of closing', async () => {
    const restore = await consumerPolicy({ maxUnacked: 10, replayPage: 4 });
    try {
      const witness = await connect('?broadcaster=slw2');
      await witness.waitFrame('live');
      await ingest('slw2', 1);
      const [first] = await witness.waitEvents(1);
      const rest = await ingest('slw2', 30);
      await published('slw2');
      const resumed = await connect(`?broadcaster=slw2&since=${first!.cursor}`);
      await resumed.waitFrame('live');
      expect(resumed.events().map((e) => e.message_id)).toEqual(rest);
      expect(resumed.frames.some((f) => f.frame === 'closing')).toBe(false);
      witness.close();
      resumed.close();
    } finally {
      await restore();
    }
  });

  it('gives up on a replaying consumer that never acknowledges', async () => {
    const restore = await consumerPolicy({ maxUnacked: 10, replayPage: 4, ackTimeoutMs: 200 });
    try {
      const witness = await connect('?broadcaster=slw3');
      await witness.waitFrame('live');
      await ingest('slw3', 1);
      const [first] = await witness.waitEvents(1);
      await ingest('slw3', 30);
      await published('slw3');
      const silent = await connect(`?broadcaster=slw3&since=${first!.cursor}`, undefined, { ack: false });
      const closed = await withTimeout('the silent replay to be closed', silent.closed);
      expect(closed.code).toBe(CLOSE_TOO_SLOW);
      expect(closed.reason).toMatch(REASON);
      expect(silent.frames.some((f) => f.frame === 'live')).toBe(false);
      witness.close();
    } finally {
      await restore();
    }
  });

  it('bounds the live events held for a socket while it replays', async () => {
    const restore = await consumerPolicy({ maxReplayBuffer: 5 });
    const hold = await holdReplay(bucketOf('slw4', HUB_COUNT), 'before');
    try {
      await ingest('slw4', 1);
      await published('slw4');
      const c = await connect(`?broadcaster=slw4&since=${'0.'.repeat(HUB_COUNT - 1)}0`);
      await hold.held();
      for (let i = 0; i < 3; i++) {
        await ingest('slw4', 2);
        await published('slw4');
      }
      const closed = await withTimeout('the replaying socket to be closed', c.closed);
      expect(closed.code).toBe(CLOSE_TOO_SLOW);
    } finally {
      await hold.restore();
      await restore();
    }
  });
});
