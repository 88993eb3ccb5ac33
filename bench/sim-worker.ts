/**
 * @module What the WebSocket-path and scale benchmarks share when they run the production bundle against the
 * simulator: the Worker's Twitch URLs pointed at it (as scripts/stack.ts does for `wrangler dev`), and an admin API
 * client that throws unless the answer is 2xx.
 */

/** The bindings that send the Worker's Helix, OAuth and EventSub WebSocket traffic to the simulator at `simUrl`. */
export function simBindings(simUrl: string): Record<string, string> {
  return {
    TWITCH_API_BASE: `${simUrl}/helix`,
    TWITCH_AUTH_BASE: `${simUrl}/oauth2`,
    TWITCH_EVENTSUB_WS_URL: `${simUrl.replace(/^http/, 'ws')}/ws`,
  };
}

/** `admin(method, path, body?)` on `${workerUrl}/admin/api`, with the bearer token and a timeout per call. */
export function adminClient(workerUrl: string, token: string, timeoutMs: number) {
  return async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${workerUrl}/admin/api${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /admin/api${path} → ${res.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : null) as T;
  };
}
