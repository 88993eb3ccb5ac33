/**
 * @module How a WebSocketShard's `handover()` RPC waits for the machine (design.md §7): resolved once the machine
 * has promoted the new socket or dropped the handover, with the reason it logged; bounded, so a caller never hangs.
 */
import type { Effect, SocketState } from '../../core/socket-machine-types.ts';
import type { HandoverResult } from '../shard-types.ts';

/** Two connect timeouts' worth: the new socket's welcome, then the controller's PATCH. */
const HANDOVER_WAIT_MS = 30_000;

export class HandoverWait {
  private pending: { resolve: (r: HandoverResult) => void; startedAt: number } | null = null;

  get busy(): boolean {
    return this.pending !== null;
  }

  /** A promise for the outcome; `begin` feeds the handover input to the machine once the wait is in place. */
  wait(begin: () => void): Promise<HandoverResult> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = new Promise<HandoverResult>((resolve) => {
      this.pending = { resolve, startedAt: Date.now() };
      timer = setTimeout(() => {
        this.pending = null;
        resolve({ ok: false, error: `handover still under way after ${HANDOVER_WAIT_MS} ms` });
      }, HANDOVER_WAIT_MS);
    });
    begin();
    return done.finally(() => {
      if (timer !== undefined) clearTimeout(timer);
    });
  }

  /** Called after every machine step: answers the wait when the step finished or dropped the handover. */
  settle(before: SocketState, after: SocketState, effects: Effect[]): void {
    const p = this.pending;
    const was = before.run.handover;
    if (!p || !was || after.run.handover) return;
    this.pending = null;
    const ms = Date.now() - p.startedAt;
    const to = after.saved.sessionId;
    if (to !== null && to !== was.from) {
      p.resolve({ ok: true, method: was.method, from: was.from, to, ms });
      return;
    }
    const why = effects.filter((e) => e.type === 'log' && (e.level === 'warn' || e.level === 'error')).pop();
    p.resolve({ ok: false, error: why?.type === 'log' ? why.message : 'handover abandoned' });
  }
}
