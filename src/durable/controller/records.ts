/**
 * @module The controller's records besides the layout: the audit log (bounded), maintenance windows, and the
 * desired subscriptions that reconcile restores after revocations or a conduit rebuild.
 */
import type {
  Json,
  ActionView,
  DesiredSubscriptionView,
  SubscriptionInput,
  WindowInput,
  WindowView,
} from '../controller-types.ts';

/** Audit rows kept; older ones are pruned on insert. */
export const ACTION_LOG_LIMIT = 10_000;

type ActionRow = {
  id: number;
  at: string;
  kind: string;
  reason: string;
  result: ActionView['result'];
  detail: string | null;
};

type SubscriptionRow = {
  key: string;
  type: string;
  version: string;
  condition: string;
  subscription_id: string | null;
  status: string;
  last_error: string | null;
};

export class ControllerRecords {
  constructor(
    private readonly sql: SqlStorage,
    private readonly now: () => number,
  ) {}

  record(kind: string, reason: string, result: ActionView['result'], detail?: Json): void {
    this.sql.exec(
      'INSERT INTO actions (at, kind, reason, result, detail) VALUES (?, ?, ?, ?, ?)',
      new Date(this.now()).toISOString(),
      kind,
      reason,
      result,
      detail === undefined ? null : JSON.stringify(detail),
    );
    this.sql.exec('DELETE FROM actions WHERE id <= (SELECT MAX(id) FROM actions) - ?', ACTION_LOG_LIMIT);
  }

  actions(limit = 50, before?: number): ActionView[] {
    const rows = this.sql.exec<ActionRow>(
      'SELECT * FROM actions WHERE id < ? ORDER BY id DESC LIMIT ?',
      before ?? Number.MAX_SAFE_INTEGER,
      limit,
    );
    return rows.toArray().map((r) => ({
      id: r.id,
      at: r.at,
      kind: r.kind,
      reason: r.reason,
      result: r.result,
      ...(r.detail === null ? {} : { detail: JSON.parse(r.detail) as Json }),
    }));
  }

  windows(): WindowView[] {
    return this.sql
      .exec<{
        id: number;
        endpoint: string;
        starts_at: string;
        ends_at: string;
        note: string | null;
        compact: number;
        created_at: string;
      }>('SELECT * FROM windows ORDER BY starts_at, id')
      .toArray()
      .map((r) => ({
        id: r.id,
        endpoint: r.endpoint,
        starts_at: r.starts_at,
        ends_at: r.ends_at,
        ...(r.note === null ? {} : { note: r.note }),
        compact: r.compact === 1,
        created_at: r.created_at,
      }));
  }

  addWindow(w: WindowInput): WindowView {
    const createdAt = new Date(this.now()).toISOString();
    const row = this.sql
      .exec<{ id: number }>(
        'INSERT INTO windows (endpoint, starts_at, ends_at, note, compact, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
        w.endpoint,
        w.starts_at,
        w.ends_at,
        w.note ?? null,
        w.compact ? 1 : 0,
        createdAt,
      )
      .one();
    return { ...w, compact: !!w.compact, id: row.id, created_at: createdAt };
  }

  removeWindow(id: number): boolean {
    return this.sql.exec('DELETE FROM windows WHERE id = ?', id).rowsWritten > 0;
  }

  subscriptions(): DesiredSubscriptionView[] {
    return this.sql
      .exec<SubscriptionRow>('SELECT * FROM subscriptions ORDER BY created_at, key')
      .toArray()
      .map((r) => ({
        key: r.key,
        type: r.type,
        version: r.version,
        condition: JSON.parse(r.condition) as Record<string, string>,
        subscription_id: r.subscription_id,
        status: r.status,
        last_error: r.last_error,
      }));
  }

  subscription(key: string): DesiredSubscriptionView | null {
    return this.subscriptions().find((s) => s.key === key) ?? null;
  }

  putSubscription(key: string, input: SubscriptionInput): void {
    this.sql.exec(
      `INSERT OR IGNORE INTO subscriptions (key, type, version, condition, subscription_id, status, last_error, created_at)
       VALUES (?, ?, ?, ?, NULL, 'pending', NULL, ?)`,
      key,
      input.type,
      input.version,
      JSON.stringify(sortedCondition(input.condition)),
      new Date(this.now()).toISOString(),
    );
  }

  updateSubscription(
    key: string,
    fields: { subscription_id?: string | null; status: string; last_error?: string | null },
  ): void {
    this.sql.exec(
      'UPDATE subscriptions SET subscription_id = COALESCE(?, subscription_id), status = ?, last_error = ? WHERE key = ?',
      fields.subscription_id ?? null,
      fields.status,
      fields.last_error ?? null,
      key,
    );
  }

  /** A revocation an EventHub saw (issue #4): mark the subscription so status shows it and reconcile recreates it. */
  markRevoked(subscriptionId: string, status: string): number {
    return this.sql.exec(
      'UPDATE subscriptions SET status = ?, last_error = ? WHERE subscription_id = ?',
      status,
      `revoked by Twitch: ${status}`,
      subscriptionId,
    ).rowsWritten;
  }

  removeSubscription(key: string): boolean {
    return this.sql.exec('DELETE FROM subscriptions WHERE key = ?', key).rowsWritten > 0;
  }
}

export function sortedCondition(condition: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(condition).sort()) {
    const v = condition[k];
    if (v !== undefined && v !== null && v !== '') out[k] = String(v);
  }
  return out;
}

/** Stable identity of a desired subscription: type, version and condition (Twitch's duplicate key, §2.5). */
export async function subscriptionKey(
  input: SubscriptionInput | { type: string; version: string; condition: Record<string, unknown> },
): Promise<string> {
  const canonical = JSON.stringify([input.type, input.version, sortedCondition(input.condition)]);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical));
  return [...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
