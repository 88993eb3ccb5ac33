/**
 * @module The Worker's settings (design.md §4, contract), parsed once per environment object with zod. A missing or
 * malformed setting is reported by name; values are never echoed, since several are secrets.
 */
import { z } from 'zod';

const url = (schemes: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return schemes.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a ${schemes.map((s) => s.replace(':', '')).join(' or ')} URL`,
  );

const secret = (min: number) => z.string().min(min, `must be at least ${min} characters`);

/** A var holding an integer: text in `[vars]` (`"8"`), or a TOML number. Digits only, unlike `z.coerce`. */
const integer = (min: number, max: number) => {
  const message = `must be an integer from ${min} to ${max}`;
  return z.preprocess(
    (v) => (typeof v === 'number' ? String(v) : v),
    z
      .string()
      .regex(/^\d{1,9}$/, message)
      .transform(Number)
      .pipe(z.number().min(min, message).max(max, message)),
  );
};

export const configSchema = z
  .object({
    TWITCH_CLIENT_ID: z.string().min(1, 'is required'),
    TWITCH_CLIENT_SECRET: secret(1),
    EVENTSUB_SECRET: secret(16),
    EVENTSUB_SECRET_PREVIOUS: secret(16).optional(),
    ADMIN_TOKEN: secret(16),
    CONSUMER_TOKEN: secret(16).optional(),
    PUBLIC_URL: url(['http:', 'https:']).transform((v) => v.replace(/\/+$/, '')),
    CONDUIT_ID: z.string().regex(/^(auto|[A-Za-z0-9-]{1,64})$/, 'must be "auto" or a conduit id'),
    TWITCH_API_BASE: url(['http:', 'https:'])
      .default('https://api.twitch.tv/helix')
      .transform((v) => v.replace(/\/+$/, '')),
    TWITCH_AUTH_BASE: url(['http:', 'https:'])
      .default('https://id.twitch.tv/oauth2')
      .transform((v) => v.replace(/\/+$/, '')),
    TWITCH_EVENTSUB_WS_URL: url(['ws:', 'wss:']).default('wss://eventsub.wss.twitch.tv/ws'),
    /** EventHub instances events are spread over by broadcaster (design.md §2); changing it re-buckets broadcasters. */
    HUB_COUNT: integer(1, 256).default(8),
    /** Where the Queue consumer POSTs every event, signed with FORWARD_SECRET (src/verify/forward-signature.ts). */
    FORWARD_URLS: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((u) => u.trim())
          .filter((u) => u !== ''),
      )
      .pipe(z.array(url(['http:', 'https:'])).min(1, 'must list at least one http or https URL'))
      .optional(),
    FORWARD_SECRET: secret(16).optional(),
    /** How long before a maintenance window its endpoint's shards get substitutes (design.md §6; default 5 minutes). */
    MAINTENANCE_LEAD_SECONDS: integer(0, 86_400).default(300),
  })
  .superRefine((c, ctx) => {
    if (c.FORWARD_URLS && !c.FORWARD_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['FORWARD_SECRET'], message: 'is required when FORWARD_URLS is set' });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Empty strings count as unset: wrangler passes `""` for a var left blank. */
function withoutBlanks(env: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
}

export function parseConfig(env: Record<string, unknown>): Config {
  const present = withoutBlanks(env);
  const result = configSchema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(env)');
    // A custom issue says what is wrong itself (e.g. a setting required only together with another).
    if (issue.code === 'custom' && present[name] === undefined) return `${name} ${issue.message}`;
    return present[name] === undefined ? `${name} is missing` : `${name} ${issue.message}`;
  });
  throw new ConfigError(problems);
}

const cache = new WeakMap<object, Config>();

/** Parse once per env object (the runtime reuses it across requests of one isolate). */
export function loadConfig(env: object): Config {
  let config = cache.get(env);
  if (!config) {
    config = parseConfig(env as Record<string, unknown>);
    cache.set(env, config);
  }
  return config;
}
