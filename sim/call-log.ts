/**
 * @module A bounded, ordered record of every Helix request the simulator answered, so tests can assert the exact
 * sequence of calls a client made (design.md §8: the control API lets tests inspect what reached "Twitch").
 */

export interface HelixCall {
  /** Increases by one per request and never goes back, not even across a clear or reset. */
  seq: number;
  /** Simulator clock, epoch ms. */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  client_id: string | null;
  /** Parsed JSON body with every `secret` replaced; null when empty, "(not JSON)" when unparseable. */
  body: unknown;
  status: number;
}

/** Room for a whole 20,000-shard maintenance restore (~60,000 calls, docs/performance.md), read back by the bench. */
export const CALL_LOG_CAPACITY = 100_000;

export class CallLog {
  private readonly ring: (HelixCall | undefined)[];
  private head = 0;
  private size = 0;
  private lastSeq = 0;

  constructor(readonly capacity = CALL_LOG_CAPACITY) {
    this.ring = new Array<HelixCall | undefined>(capacity);
  }

  get last(): number {
    return this.lastSeq;
  }

  record(call: Omit<HelixCall, 'seq'>): HelixCall {
    const entry = { seq: ++this.lastSeq, ...call };
    this.ring[(this.head + this.size) % this.capacity] = entry;
    if (this.size < this.capacity) this.size++;
    else this.head = (this.head + 1) % this.capacity; // full: the oldest entry gives way
    return entry;
  }

  /** Entries with `seq` greater than `after`, oldest first. */
  since(after = 0): HelixCall[] {
    const firstSeq = this.lastSeq - this.size + 1;
    const skip = Math.min(this.size, Math.max(0, after - firstSeq + 1));
    const out: HelixCall[] = [];
    for (let i = skip; i < this.size; i++) out.push(this.ring[(this.head + i) % this.capacity]!);
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.size = 0;
  }
}
