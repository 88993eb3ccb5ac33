/**
 * @module The ConsumerHub's heads: per hub, the last sequence it has fanned out to live sockets. A live socket holds
 * every matching event up to the heads (and up to its own floor), so `max(floor, heads)` is its resume cursor, and a
 * new socket starts at the heads. Kept in SQLite so they survive hibernation and eviction; read once per instance.
 */

export class Heads {
  private readonly known = new Map<number, number>();

  constructor(private readonly sql: SqlStorage) {
    for (const row of sql.exec<{ hub: number; seq: number }>('SELECT hub, seq FROM heads')) {
      this.known.set(row.hub, row.seq);
    }
  }

  get(hub: number): number | undefined {
    return this.known.get(hub);
  }

  /** Only ever forward. */
  advance(hub: number, seq: number): void {
    if ((this.known.get(hub) ?? -1) >= seq) return;
    this.known.set(hub, seq);
    this.sql.exec('INSERT OR REPLACE INTO heads (hub, seq) VALUES (?, ?)', hub, seq);
  }

  /** One position per hub; 0 where nothing was fanned out yet. */
  snapshot(hubCount: number): number[] {
    return Array.from({ length: hubCount }, (_, i) => this.known.get(i) ?? 0);
  }
}
