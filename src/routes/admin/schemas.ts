/**
 * @module Request schemas of the admin API (design.md §5), shared by validation and the OpenAPI document, so the two
 * cannot drift. Field names are snake_case like the rest of the JSON surface.
 */
import { z } from '@hono/zod-openapi';
import { ENDPOINT_NAME } from '../../verify/derive.ts';

/** Twitch allows 1 to 20,000 shards per conduit (twitch-eventsub.md §1.1). */
export const MAX_SHARDS = 20_000;

/** design.md §6: endpoint names match `[a-z0-9][a-z0-9-]{0,31}`. */
export const endpointName = z
  .string()
  .regex(ENDPOINT_NAME, 'must match [a-z0-9][a-z0-9-]{0,31}')
  .openapi({ example: 'default' });

export const shardCount = z.number().int().min(1).max(MAX_SHARDS);

/** Same shape the configuration accepts for CONDUIT_ID (src/config.ts). */
export const conduitId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a conduit id');

/**
 * A non-negative integer arriving as text (path or query). Digits only: `z.coerce` would also take "", " 5" and
 * "1e3". The OpenAPI override documents the decoded integer rather than the pattern.
 */
export function intText(min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,9}$/, 'must be a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .openapi({ type: 'integer', minimum: min, maximum: max });
}

export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http or https URL' });

export const rfc3339 = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time' });

export const ErrorSchema = z
  .object({
    error: z.string().openapi({ example: 'shard_count: Too big: expected number to be <=20000' }),
    details: z.unknown().optional(),
    issues: z
      .array(z.object({ path: z.string(), code: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'present on validation errors (400), one entry per problem' }),
  })
  .openapi('Error');

export type ErrorBody = z.infer<typeof ErrorSchema>;
