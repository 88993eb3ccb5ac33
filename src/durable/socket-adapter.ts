/**
 * @module The one place the WebSocketShard touches the platform's outbound WebSocket (cloudflare.md §1.1): the
 * `fetch` upgrade form (a catchable rejection and an HTTP status when the handshake fails), text out of every frame,
 * and exactly one "closed" report however the socket ends (`close` then `error` both fire; readyState is unreliable).
 */

export interface SocketEvents {
  /** A data frame as text, in arrival order. */
  text(text: string): void;
  /** Reported once. 1006 when the socket failed without a close frame. */
  closed(code: number, reason: string): void;
}

export interface OutboundSocket {
  /** Best effort: a socket already closing or closed is left alone. Never sends data (§6.1: that is a 4001). */
  close(code: number, reason: string): void;
}

/** `wss:` → `https:`, `ws:` → `http:`: fetch only takes http(s) URLs (cloudflare.md §1.1). */
export function upgradeUrl(url: string): string {
  const u = new URL(url);
  if (u.protocol === 'wss:') u.protocol = 'https:';
  else if (u.protocol === 'ws:') u.protocol = 'http:';
  else throw new Error(`not a WebSocket URL (scheme ${u.protocol})`);
  return u.toString();
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A close reason may hold at most 123 UTF-8 bytes (RFC 6455 §5.5); a longer one makes `close()` throw. */
export function closeReason(reason: string): string {
  if (encoder.encode(reason).length <= 123) return reason;
  let cut = reason.slice(0, 123);
  while (encoder.encode(cut).length > 120) cut = cut.slice(0, -1);
  return `${cut}…`;
}

export async function openSocket(url: string, events: SocketEvents): Promise<OutboundSocket> {
  const res = await fetch(upgradeUrl(url), { headers: { Upgrade: 'websocket' } });
  const ws = res.webSocket;
  if (res.status !== 101 || !ws) {
    // Only the status: the URL may carry a single-use reconnect challenge (§6.3), the body is Twitch's.
    await res.body?.cancel();
    throw new Error(`WebSocket upgrade refused: HTTP ${res.status}`);
  }
  // Binary frames as ArrayBuffer, decoded synchronously: a Blob's async text() could reorder frames.
  ws.binaryType = 'arraybuffer';
  ws.accept();

  let ended = false;
  const end = (code: number, reason: string): void => {
    if (ended) return;
    ended = true;
    events.closed(code, reason);
  };
  /** Frames decoded out of order are queued behind a pending Blob, so order holds in every case. */
  let pending: Promise<void> | null = null;
  ws.addEventListener('message', (e: MessageEvent) => {
    const data: unknown = e.data;
    const now = typeof data === 'string' ? data : data instanceof ArrayBuffer ? decoder.decode(data) : null;
    if (now !== null && pending === null) return events.text(now);
    // A Blob (cloudflare.md §1.1, binaryType not honoured) decodes asynchronously: later frames queue behind it.
    // An undecodable frame reaches the machine as '' (logged as invalid, still proof of life).
    const decoded = now !== null ? Promise.resolve(now) : (data as Blob).text().catch(() => '');
    const next = (pending ?? Promise.resolve()).then(async () => events.text(await decoded));
    pending = next;
    void next.finally(() => {
      if (pending === next) pending = null;
    });
  });
  ws.addEventListener('close', (e: CloseEvent) => end(e.code, e.reason));
  // An error may come after the close (already reported) or alone (a dropped connection: 1006).
  ws.addEventListener('error', (e: ErrorEvent) => end(1006, `socket error: ${e.message || 'unknown'}`));

  return {
    close(code, reason) {
      try {
        ws.close(code, closeReason(reason));
      } catch {
        // Already closing or closed: the close event reports it.
      }
    },
  };
}
