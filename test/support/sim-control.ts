/** @module Test helpers that drive the simulator's control API (design.md §8) from either test project. */

export interface CallLogEntry {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
}

export function simControl(base: string) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${base}/_sim${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sim ${method} ${path} → ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }
  return {
    call,
    reset: () => call('POST', '/reset'),
    state: () =>
      call<{
        conduits: {
          id: string;
          client_id: string;
          shard_count: number;
          shards: { id: string; status: string; transport: Record<string, string> }[];
        }[];
        subscriptions: { id: string; type: string; status: string; transport: Record<string, string> }[];
      }>('GET', '/state'),
    calls: async (since = 0) => (await call<{ data: CallLogEntry[] }>('GET', `/calls?since=${since}`)).data,
    clearCalls: () => call('DELETE', '/calls'),
    expireTokens: () => call('POST', '/tokens/expire', {}),
    setConfig: (patch: Record<string, unknown>) => call('POST', '/config', patch),
    drainBucket: (remaining = 0) => call('POST', '/ratelimit', { remaining }),
  };
}

/** The mutating Helix calls of a log, as `METHOD path` strings, for asserting their exact order. */
export function writes(log: CallLogEntry[]): string[] {
  return log.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`);
}

/** Helix as a plain client of the simulator (app token of the default app), for arranging test scenarios. */
export function simHelix(base: string, clientId = 'sim-client-id', clientSecret = 'sim-client-secret') {
  let token: string | null = null;
  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    if (!token) {
      const res = await fetch(`${base}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: clientId,
          client_secret: clientSecret,
          grant_type: 'client_credentials',
        }),
      });
      token = ((await res.json()) as { access_token: string }).access_token;
    }
    const res = await fetch(`${base}/helix${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        'Client-Id': clientId,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }
  return {
    call,
    createConduit: async (shardCount: number) =>
      (
        await call<{ data: { id: string; shard_count: number }[] }>('POST', '/eventsub/conduits', {
          shard_count: shardCount,
        })
      ).body.data[0]!,
  };
}
