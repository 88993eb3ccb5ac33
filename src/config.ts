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

export const configSchema = z.object({
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
