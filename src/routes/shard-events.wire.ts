/**
 * @module The `conduit.shard.disabled` event (twitch-eventsub.md §4), snake_case as Twitch sends it. Tolerant like the
 * other webhook bodies: unknown fields pass, the status stays a plain string (Twitch adds values without notice).
 */
import { z } from 'zod';

export const shardDisabledEventWire = z.looseObject({
  conduit_id: z.string().min(1),
  /** A string in the docs; a number is accepted so a repair is never skipped over it. */
  shard_id: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]),
  status: z.string().min(1),
  transport: z.looseObject({
    method: z.string(),
    callback: z.string().nullish(),
    session_id: z.string().nullish(),
    connected_at: z.string().nullish(),
    disconnected_at: z.string().nullish(),
  }),
});

export const shardDisabledBodyWire = z.looseObject({ event: shardDisabledEventWire });

export type ShardDisabledEventWire = z.infer<typeof shardDisabledEventWire>;
