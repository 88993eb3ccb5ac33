/** @module The detail view of one shard: desired and actual transport, since when, its estimated event rate, actions. */
import { byId, fill, h, num, when } from './dom.ts';
import { drifted, groupOf, relative, shardRate, windowState } from './model.ts';
import type { Snapshot } from './snapshot.ts';

export function renderDetail(s: Snapshot, id: number | null, onRemove: (id: number) => void): void {
  const root = byId('detail');
  const shard = id === null ? undefined : s.shards[id];
  if (!shard) {
    fill(root, h('p', { class: 'muted' }, id === null ? 'Click a cell, or search for a shard id.' : `No shard ${id}.`));
    return;
  }
  const a = shard.actual;
  const group = groupOf(a?.status);
  const enabledOn = new Map([...s.health].map(([k, v]) => [k, v.enabled]));
  const since = a?.connected_at ?? a?.disconnected_at;
  const windows = s.status.windows.filter(
    (w) => w.endpoint === shard.desired_endpoint && windowState(w, s.at) !== 'past',
  );
  const row = (k: string, v: Node | string) => [h('dt', {}, k), h('dd', {}, v)];
  const remove = h('button', { type: 'button', class: 'danger', 'data-remove': shard.id }, `Remove shard ${shard.id}…`);
  remove.addEventListener('click', () => onRemove(shard.id));
  fill(
    root,
    h(
      'dl',
      { class: 'kv', 'data-testid': 'shard-detail', 'data-shard': shard.id },
      ...row('shard', h('strong', {}, String(shard.id))),
      ...row(
        'status',
        h(
          'span',
          {
            class: `badge ${group === 'enabled' ? 'ok' : group === 'pending' ? 'warn' : group === 'unknown' ? '' : 'bad'}`,
          },
          a?.status ?? 'not listed by Twitch',
        ),
      ),
      ...row('desired', shard.desired_endpoint ?? '—'),
      ...(shard.effective_endpoint !== shard.desired_endpoint
        ? row('now on', `${shard.effective_endpoint ?? '—'} (maintenance)`)
        : []),
      ...row('transport', a?.method ?? '—'),
      ...row(
        a?.method === 'websocket' ? 'session' : 'callback',
        h('span', { class: 'mono' }, a?.session_id ?? a?.callback ?? '—'),
      ),
      ...row(
        a?.disconnected_at ? 'disconnected' : 'connected',
        since
          ? `${when(since)} (${relative(since, s.at)})`
          : a?.method === 'webhook'
            ? 'not reported for webhooks'
            : '—',
      ),
      ...row(
        'drift',
        drifted(shard, s.endpoints) ? 'yes: Twitch has another transport; the next reconcile fixes it' : 'no',
      ),
      ...row('event rate', `≈ ${num(shardRate(shard, s.rates, enabledOn), 2)}/min`),
      ...row(
        'maintenance',
        windows.length ? windows.map((w) => `${when(w.starts_at)} → ${when(w.ends_at)}`).join('; ') : 'none planned',
      ),
    ),
    remove,
  );
}
