/**
 * @module The runtime's floor for webhook ingest (issue #8): a Worker that only reads the body and checks Twitch's
 * signature with the same `verify` the real route uses (src/verify/signature.ts), then answers 204. Whatever the
 * full pipeline costs beyond this is our own code: routing, de-duplication, the durable write and the enqueue.
 */
import { verify } from '../../src/verify/signature.ts';

interface BareEnv {
  /** The endpoint secret itself (the real route derives it once per isolate and caches it). */
  SECRET: string;
}

export default {
  async fetch(request: Request, env: BareEnv): Promise<Response> {
    const body = new Uint8Array(await request.arrayBuffer());
    const id = request.headers.get('twitch-eventsub-message-id') ?? '';
    const timestamp = request.headers.get('twitch-eventsub-message-timestamp') ?? '';
    const signature = request.headers.get('twitch-eventsub-message-signature') ?? '';
    const ok = await verify(env.SECRET, id, timestamp, body, signature);
    return new Response(null, { status: ok ? 204 : 403 });
  },
};
