/**
 * @module What the shard machine does when Twitch (or the network) ends the session's socket: twitch-eventsub.md
 * §6.4 close codes, §5.3 for conduits. Every loss reconnects to the BASE url with a new session and re-assigns the
 * shard; the codes only choose the wait and how loudly to log.
 */
import type { LogLevel } from './socket-machine-types.ts';

export interface CloseVerdict {
  /** `backoff`: full-jitter backoff; `unused`: the longer 4003 pause. */
  wait: 'backoff' | 'unused';
  level: LogLevel;
  meaning: string;
}

const VERDICTS: Readonly<Record<number, CloseVerdict>> = {
  4000: { wait: 'backoff', level: 'warn', meaning: 'internal server error' },
  // The machine never sends data frames, so 4001 means the socket glue wrote to the socket: a bug.
  4001: { wait: 'backoff', level: 'error', meaning: 'client sent inbound traffic (bug: nothing may be sent)' },
  // Pongs are the runtime's job; a 4002 means the glue or the runtime stalled: a bug.
  4002: { wait: 'backoff', level: 'error', meaning: 'client failed ping-pong (bug: pings must be answered)' },
  // The controller did not PATCH within 10 s (§5.3). Reconnecting at once would loop on a stuck controller or Helix;
  // twitch4j waits a minute here (§5.3), so does this machine (Timings.unusedPauseMs).
  4003: { wait: 'unused', level: 'warn', meaning: 'connection unused (shard not assigned within 10 s)' },
  4004: { wait: 'backoff', level: 'warn', meaning: 'reconnect grace time expired' },
  4005: { wait: 'backoff', level: 'warn', meaning: 'network timeout' },
  4006: { wait: 'backoff', level: 'warn', meaning: 'network error' },
  // pyTwitchAPI #310 (§6.3): a bad or misused reconnect_url; fresh connections always use the base URL anyway.
  4007: { wait: 'backoff', level: 'warn', meaning: 'invalid reconnect' },
  1006: { wait: 'backoff', level: 'warn', meaning: 'dropped without a close frame' },
};

export function closeVerdict(code: number): CloseVerdict {
  return VERDICTS[code] ?? { wait: 'backoff', level: 'warn', meaning: 'closed unexpectedly' };
}

/** Our own closes. 1000 when we are done with a healthy socket; 3000 when we give up on one (§6.4 keeps 4xxx). */
export const CLIENT_CLOSE = {
  done: 1000,
  failed: 3000,
} as const;
