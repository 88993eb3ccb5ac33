/**
 * @module Points twurple 8.1.4 at the simulator. twurple has no base-URL option: `@twurple/api-call` hard-codes
 * `https://api.twitch.tv/helix/` and `https://id.twitch.tv/oauth2/` (lib/helpers/url.js), and its only escape hatch,
 * `TWURPLE_MOCK_API_PORT`, targets twitch-cli's `/mock/` and `/auth/` layout on `localhost`. Every request goes
 * through the global `fetch`, so tests swap that for one that rewrites those two origins to the simulator, records
 * each exchange, and refuses any other host so nothing can leave 127.0.0.1.
 */

export interface RecordedExchange {
  method: string;
  /** The URL twurple asked for (api.twitch.tv / id.twitch.tv). */
  twitchUrl: string;
  /** Where it actually went. */
  simUrl: string;
  requestBody?: string;
  status: number;
  /** Response headers, lower-cased names. */
  headers: Record<string, string>;
  responseBody: string;
}

export interface TwitchRoute {
  exchanges: RecordedExchange[];
  /** The last exchange with this method and exactly this path on the simulator. */
  last(method: string, path: string): RecordedExchange | undefined;
  restore(): void;
}

const REWRITES: readonly (readonly [string, string])[] = [
  ['https://api.twitch.tv/helix/', '/helix/'],
  ['https://id.twitch.tv/oauth2/', '/oauth2/'],
];

export function routeTwitchToSim(simUrl: string): TwitchRoute {
  const original = globalThis.fetch;
  const exchanges: RecordedExchange[] = [];

  const routed = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const asked = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const rewrite = REWRITES.find(([from]) => asked.startsWith(from));
    if (!rewrite) {
      // Direct calls from the tests themselves (to the simulator or a local listener) pass through unchanged.
      if (new URL(asked).hostname === '127.0.0.1') return original(input, init);
      throw new Error(`twurple tried to reach ${asked}; only the simulator on 127.0.0.1 is allowed`);
    }
    const target = simUrl + rewrite[1] + asked.slice(rewrite[0].length);
    const res = await original(target, init);
    exchanges.push({
      method: init?.method ?? 'GET',
      twitchUrl: asked,
      simUrl: target,
      requestBody: typeof init?.body === 'string' ? init.body : undefined,
      status: res.status,
      headers: Object.fromEntries(res.headers),
      responseBody: await res.clone().text(),
    });
    return res;
  };
  globalThis.fetch = routed as typeof fetch;

  return {
    exchanges,
    last(method, path) {
      return exchanges.findLast((e) => e.method === method && new URL(e.simUrl).pathname === path);
    },
    restore() {
      globalThis.fetch = original;
    },
  };
}

/** What a twurple `HttpStatusCodeError` (from `@twurple/api-call`, which the project does not list) carries. */
export interface TwurpleHttpError {
  status: number;
  /** The response body as twurple kept it (re-indented JSON when it saw `Content-Type: application/json`). */
  body: string;
}

export function httpErrorOf(err: unknown): TwurpleHttpError | undefined {
  if (typeof err === 'object' && err !== null && 'statusCode' in err && typeof err.statusCode === 'number') {
    return { status: err.statusCode, body: 'body' in err && typeof err.body === 'string' ? err.body : '' };
  }
  return undefined;
}

/** Await a twurple call that must fail with an HTTP status. */
export async function rejection(p: Promise<unknown>): Promise<TwurpleHttpError> {
  try {
    await p;
  } catch (err) {
    const http = httpErrorOf(err);
    if (http) return http;
    throw err;
  }
  throw new Error('expected the twurple call to reject, but it resolved');
}

export async function rejectionStatus(p: Promise<unknown>): Promise<number> {
  return (await rejection(p)).status;
}
