/**
 * @module `events tail` over the typed client in `client/` (design.md §5 `GET /events`): it acknowledges frames so
 * the server does not drop a slow reader, and reconnects with backoff from its last cursor, so a dropped stream
 * resumes with no gap and no duplicate. The socket is Node's `ws` rather than the global WebSocket because a refused
 * upgrade must be reported by its HTTP status (401, 400, 403), which the WHATWG API hides; a refusal, or a stream
 * that cannot be (re)opened after a few attempts, ends the tail with a one-line failure instead of retrying forever.
 */
import WebSocket from 'ws';
import { connectEvents, type EventFrame, type SocketFactory, type SocketLike } from '../client/index.ts';
import { CliFailure, EXIT_INTERRUPTED, EXIT_OK, oneLine } from './errors.ts';

/** How long a closing socket may take to finish the close handshake before it is dropped. */
const CLOSE_GRACE_MS = 1_000;

/** Failed attempts in a row (no welcome frame) before giving up: about 15 s of the client's backoff. */
export const MAX_FAILED_ATTEMPTS = 5;

export interface LiveOptions {
  /** The Worker's base URL (http or https). */
  url: string;
  /** CONSUMER_TOKEN, or a ticket source when only the admin token is at hand. */
  auth: { token: string } | { ticket: () => Promise<string> };
  types: string[];
  broadcasters: string[];
  since?: string;
  /** Stop after this many events. */
  limit?: number;
  onEvent(frame: EventFrame): void;
  /** One-line notices (truncated replay, server closing, reconnecting) for stderr. */
  onNotice(text: string): void;
  onInterrupt(handler: () => void): () => void;
  handshakeTimeoutMs?: number;
  backoffMs?: { baseMs: number; capMs: number };
}

function refusal(status: number, body: string, origin: string): CliFailure {
  let why = oneLine(body, 120);
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === 'string') why = oneLine(parsed.error);
  } catch {
    // not JSON: keep the text
  }
  if (status === 401) return new CliFailure(`consumer token rejected by ${origin} (HTTP 401)`, status);
  if (status === 404) return new CliFailure(`${origin} has no live stream at /events (HTTP 404)`, status);
  return new CliFailure(`GET /events refused: ${why || 'no body'} (HTTP ${status})`, status);
}

interface Attempt {
  welcomed: boolean;
  refused?: CliFailure;
  error?: string;
}

/**
 * A `SocketLike` over `ws`. `ended` hears how each attempt finished before the client does, so the tail can stop
 * instead of letting the client retry something that cannot work.
 */
function wsFactory(
  timeoutMs: number,
  origin: string,
  begin: () => Attempt,
  ended: (a: Attempt) => void,
): SocketFactory {
  return (url, headers) => {
    const attempt = begin();
    const ws = new WebSocket(url, { headers, handshakeTimeout: timeoutMs });
    const socket: SocketLike = {
      get readyState() {
        return ws.readyState;
      },
      send: (data) => ws.send(data),
      close(code, reason) {
        ws.close(code, reason);
        // The close handshake can wait up to ws's 30 s timeout when the server keeps sending and does not answer
        // the close frame; the tail is over either way, so the process must not linger.
        const force = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
        ws.once('close', () => clearTimeout(force));
      },
      onmessage: null,
      onclose: null,
      onerror: null,
    };
    ws.on('message', (data) => socket.onmessage?.({ data: String(data) }));
    ws.on('error', (err: Error & { code?: string }) => {
      attempt.error ??= /timed out/i.test(err.message)
        ? `no answer within ${timeoutMs / 1000} s`
        : (err.code ?? err.message);
      socket.onerror?.(err);
    });
    ws.on('close', (code, reason) => {
      attempt.error ??= `closed (code ${code}${reason.length ? `: ${reason.toString()}` : ''})`;
      ended(attempt);
      socket.onclose?.({ code, reason: reason.toString() });
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => void (body.length < 4_096 && (body += chunk)));
      res.on('close', () => {
        attempt.refused = refusal(res.statusCode ?? 0, body, origin);
        ws.terminate();
      });
    });
    return socket;
  };
}

export function tailEvents(opts: LiveOptions): Promise<number> {
  const origin = new URL(opts.url).origin;
  const timeoutMs = opts.handshakeTimeoutMs ?? 15_000;
  return new Promise<number>((resolve, reject) => {
    let settled = false;
    let events = 0;
    let everWelcomed = false;
    let failedInARow = 0;
    let current: Attempt = { welcomed: false };
    const finish = (result: number | CliFailure): void => {
      if (settled) return;
      settled = true;
      stopInterrupt();
      client.close();
      if (result instanceof CliFailure) reject(result);
      else resolve(result);
    };
    const attemptEnded = (a: Attempt): void => {
      if (settled) return;
      if (a.refused) return finish(a.refused);
      const why = oneLine(a.error ?? 'closed', 120);
      // Never in at all: wrong URL, Worker down, no /events. Retrying would only hide the reason.
      if (!everWelcomed) return finish(new CliFailure(`cannot open ${origin}/events: ${why}`));
      failedInARow = a.welcomed ? 0 : failedInARow + 1;
      if (failedInARow >= MAX_FAILED_ATTEMPTS)
        return finish(
          new CliFailure(`lost ${origin}/events: ${failedInARow} attempts to reconnect failed (last: ${why})`),
        );
      opts.onNotice(`stream lost (${why}); reconnecting from the last cursor`);
    };
    const stopInterrupt = opts.onInterrupt(() => finish(EXIT_INTERRUPTED));
    const client = connectEvents({
      url: opts.url,
      ...('token' in opts.auth ? { token: opts.auth.token } : { ticket: opts.auth.ticket }),
      types: opts.types,
      broadcasters: opts.broadcasters,
      ...(opts.since === undefined ? {} : { since: opts.since }),
      ...(opts.backoffMs ? { backoff: opts.backoffMs } : {}),
      socket: wsFactory(timeoutMs, origin, () => (current = { welcomed: false }), attemptEnded),
      onEvent(frame) {
        if (settled) return;
        opts.onEvent(frame);
        if (opts.limit !== undefined && ++events >= opts.limit) finish(EXIT_OK);
      },
      onNotice(frame) {
        if (frame.frame === 'welcome') {
          current.welcomed = everWelcomed = true;
          if (frame.replay?.truncated)
            opts.onNotice(`replay truncated (${frame.replay.reason ?? 'unknown'}): some events after --since are gone`);
        } else {
          opts.onNotice(`server closing the stream: ${oneLine(frame.reason, 120)} (code ${frame.code})`);
        }
      },
      onError(err) {
        // A ticket the admin API would not mint is as final as a refused upgrade.
        if (err instanceof CliFailure) finish(err);
      },
    });
  });
}
