/**
 * @module What a WebSocketShard keeps in storage (cloudflare.md §1.6: everything a fresh instance needs): its
 * settings from `start()` and the machine's persisted record. Both live in the synchronous KV API of the SQLite
 * backend, so the constructor reads them without awaiting and an eviction, crash or deploy loses nothing.
 */
import type { Persisted, SocketConfig } from '../../core/socket-machine-types.ts';
import type { ShardStartOptions } from '../shard-types.ts';

export interface ShardSettings extends Required<Omit<ShardStartOptions, 'timings'>> {
  /** The object's own name, kept because `ctx.id.name` is not promised in every invocation (alarms). */
  name: string;
  endpoint: string;
  timings: NonNullable<ShardStartOptions['timings']>;
}

const SETTINGS = 'settings';
const RECORD = 'record';

export class ShardStorage {
  constructor(private readonly kv: SyncKvStorage) {}

  get settings(): ShardSettings | null {
    return this.kv.get<ShardSettings>(SETTINGS) ?? null;
  }

  set settings(value: ShardSettings) {
    this.kv.put(SETTINGS, value);
  }

  get record(): Persisted | null {
    return this.kv.get<Persisted>(RECORD) ?? null;
  }

  set record(value: Persisted) {
    this.kv.put(RECORD, value);
  }
}

/** Settings after a `start()`: the new options over the stored ones (a later start without timings keeps them). */
export function mergeSettings(
  stored: ShardSettings | null,
  name: string,
  endpoint: string,
  opts: ShardStartOptions,
): ShardSettings {
  return {
    name,
    endpoint,
    controller: opts.controller,
    keepaliveTimeoutSeconds:
      opts.keepaliveTimeoutSeconds !== undefined
        ? opts.keepaliveTimeoutSeconds
        : (stored?.keepaliveTimeoutSeconds ?? null),
    timings: opts.timings ?? stored?.timings ?? {},
  };
}

export function machineConfig(settings: ShardSettings, baseUrl: string): SocketConfig {
  return {
    baseUrl,
    endpoint: settings.endpoint,
    keepaliveTimeoutSeconds: settings.keepaliveTimeoutSeconds,
    timings: settings.timings,
  };
}
