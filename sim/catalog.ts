/**
 * @module The subscription types the simulator knows (twitch-eventsub.md §2.1, §4): each type+version with its
 * condition fields. Helix validates Create Subscription against it; the delivery engine reuses it for routing.
 */

export interface CatalogEntry {
  type: string;
  version: string;
  /** Condition fields that must be present and non-empty. */
  required: readonly string[];
  /** Condition fields that may be present. */
  optional: readonly string[];
  /** Groups where exactly one field must be given (channel.raid's from_/to_broadcaster_user_id). */
  exactlyOne?: readonly (readonly string[])[];
}

const broadcaster = (type: string, version = '1', optional: string[] = []): CatalogEntry => ({
  type,
  version,
  required: ['broadcaster_user_id'],
  optional,
});

const ENTRIES: readonly CatalogEntry[] = [
  broadcaster('stream.online'),
  broadcaster('stream.offline'),
  broadcaster('channel.update', '2'),
  { type: 'channel.follow', version: '2', required: ['broadcaster_user_id', 'moderator_user_id'], optional: [] },
  { type: 'channel.chat.message', version: '1', required: ['broadcaster_user_id', 'user_id'], optional: [] },
  { type: 'channel.chat.notification', version: '1', required: ['broadcaster_user_id', 'user_id'], optional: [] },
  broadcaster('channel.subscribe'),
  broadcaster('channel.subscription.end'),
  broadcaster('channel.subscription.gift'),
  broadcaster('channel.subscription.message'),
  broadcaster('channel.cheer'),
  broadcaster('channel.ban'),
  broadcaster('channel.unban'),
  {
    type: 'channel.raid',
    version: '1',
    required: [],
    optional: ['from_broadcaster_user_id', 'to_broadcaster_user_id'],
    exactlyOne: [['from_broadcaster_user_id', 'to_broadcaster_user_id']],
  },
  broadcaster('channel.channel_points_custom_reward_redemption.add', '1', ['reward_id']),
  broadcaster('channel.channel_points_custom_reward_redemption.update', '1', ['reward_id']),
  { type: 'user.update', version: '1', required: ['user_id'], optional: [] },
  { type: 'user.authorization.grant', version: '1', required: ['client_id'], optional: [] },
  { type: 'user.authorization.revoke', version: '1', required: ['client_id'], optional: [] },
  { type: 'conduit.shard.disabled', version: '1', required: ['client_id'], optional: ['conduit_id'] },
];

const BY_KEY = new Map(ENTRIES.map((e) => [`${e.type}@${e.version}`, e]));

export function catalogEntry(type: string, version: string): CatalogEntry | undefined {
  return BY_KEY.get(`${type}@${version}`);
}

export function isKnownType(type: string): boolean {
  return ENTRIES.some((e) => e.type === type);
}

export function catalogEntries(): readonly CatalogEntry[] {
  return ENTRIES;
}

/** Every field of the entry, in declaration order. */
export function conditionFields(entry: CatalogEntry): string[] {
  return [...entry.required, ...entry.optional];
}

/**
 * The user ids named in a condition (fields ending in `user_id`): what cost (§2.5) and the `user_id` filter of Get
 * EventSub Subscriptions (§2.2) look at.
 */
export function conditionUserIds(condition: Record<string, string>): string[] {
  return Object.entries(condition)
    .filter(([k, v]) => k.endsWith('user_id') && v !== '')
    .map(([, v]) => v);
}

/**
 * Check a request's condition against the entry. Returns the normalised condition (known fields only, as
 * strings) or an error message in Twitch's wording (§2.1).
 */
export function validateCondition(
  entry: CatalogEntry,
  raw: unknown,
): { ok: true; condition: Record<string, string> } | { ok: false; message: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, message: 'The condition field is required.' };
  }
  const given = raw as Record<string, unknown>;
  const missing = { ok: false as const, message: 'The condition object is missing one or more required fields.' };
  const condition: Record<string, string> = {};
  for (const field of conditionFields(entry)) {
    const v = given[field];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') return { ok: false, message: `The condition field ${field} must be a string.` };
    condition[field] = v;
  }
  if (entry.required.some((f) => condition[f] === undefined)) return missing;
  for (const group of entry.exactlyOne ?? []) {
    if (group.filter((f) => condition[f] !== undefined).length !== 1) return missing;
  }
  return { ok: true, condition };
}
