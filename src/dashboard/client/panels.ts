/**
 * @module The header facts, the status legend, the endpoints table, the event-rate tables and the audit log, each a
 * function of one snapshot.
 */
import { errorBlock } from './dialogs.ts';
import { byId, fill, h, num, when } from './dom.ts';
import { GROUPS, groupOf, RATE_WINDOW_MS, windowState } from './model.ts';
import type { Snapshot } from './snapshot.ts';

export function renderHeader(s: Snapshot): void {
  const { status } = s;
  byId('conduit-id').textContent = status.conduit?.id ?? 'none yet';
  byId('shard-count').textContent = num(status.shards_total);
  const token = byId('token-state');
  token.textContent = status.token.valid ? 'valid' : 'invalid';
  token.className = `badge ${status.token.valid ? 'ok' : 'bad'}`;
  token.title = status.token.expires_at ? `expires ${when(status.token.expires_at)}` : '';
  const r = status.reconcile;
  byId('reconcile-state').textContent =
    r.phase === 'applying' || r.phase === 'listing' ? `${r.phase} ${r.steps_done}/${r.steps_total}` : r.phase;
  const subs = status.subscriptions;
  byId('subs-state').textContent =
    `${num(subs.desired)} desired` +
    (subs.total_cost === null ? '' : ` · cost ${subs.total_cost}/${subs.max_total_cost ?? '?'}`);
  const banner = byId('banner');
  const problem = status.bootstrap.error ?? status.reconcile.last_error;
  banner.hidden = !problem;
  banner.textContent = problem ? `Controller: ${problem}` : '';
}

export function renderLegend(s: Snapshot): void {
  const counts = new Map<string, number>(GROUPS.map((g) => [g, 0]));
  for (const shard of s.shards) {
    const g = groupOf(shard.actual?.status);
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  fill(
    byId('legend'),
    ...GROUPS.map((g) =>
      h('span', { 'data-group': g }, h('i', { class: `g-${g}` }), `${g} ${num(counts.get(g) ?? 0)}`),
    ),
    h('span', { class: 'muted' }, '▭ dashed: differs from its desired endpoint'),
  );
  const listed = s.status.reconcile.started_at;
  byId('grid-note').textContent =
    `Actual status as Twitch listed it during the last reconcile${listed ? ` (started ${when(listed)})` : ''}; ` +
    'the cron reconciles every minute. Shard ids run left to right, top to bottom.';
}

export function renderEndpoints(s: Snapshot, onHandover: (endpoint: string) => void): void {
  const now = s.at;
  const rows = [...s.endpoints.values()].map((e) => {
    const health = s.health.get(e.name) ?? { desired: 0, enabled: 0, drifted: 0 };
    const bar = h('span', { class: 'health' }, h('i'));
    (bar.firstChild as HTMLElement).style.width = `${health.desired ? (health.enabled / health.desired) * 100 : 0}%`;
    const inWindow = s.status.windows.some((w) => w.endpoint === e.name && windowState(w, now) === 'active');
    const target =
      e.kind === 'websocket'
        ? `socket ${e.socket?.phase ?? 'unknown'}${e.socket?.session_id ? ` · ${e.socket.session_id}` : ''}`
        : (e.callback ?? e.base_url ?? '');
    const rate = s.rates.perEndpoint.get(e.name) ?? 0;
    return h(
      'tr',
      { 'data-endpoint': e.name },
      h(
        'td',
        {},
        h('strong', {}, e.name),
        inWindow ? h('span', { class: 'badge warn' }, 'maintenance') : null,
        h('div', { class: 'muted small' }, e.source === e.kind ? e.kind : `${e.kind} · ${e.source}`),
      ),
      h('td', { class: 'mono wrap target' }, target),
      h('td', { class: 'nowrap' }, bar, `${num(health.enabled)}/${num(health.desired)} enabled`),
      h(
        'td',
        { class: 'num' },
        health.drifted ? h('span', { class: 'badge warn' }, `${num(health.drifted)} drifted`) : '—',
      ),
      h('td', { class: 'num' }, `${num(rate, 1)}/min`),
      h(
        'td',
        {},
        e.kind === 'websocket'
          ? h('button', { type: 'button', class: 'ghost', 'data-handover': e.name }, 'Handover…')
          : null,
      ),
    );
  });
  const table = byId('endpoints');
  fill(
    table,
    h('thead', {}, h('tr', {}, ...['endpoint', 'target', 'shards', 'drift', 'events', ''].map((t) => h('th', {}, t)))),
    h('tbody', {}, ...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'no endpoints'))])),
  );
  table.onclick = (e) => {
    const name = e.target instanceof HTMLElement ? e.target.dataset.handover : undefined;
    if (name) onHandover(name);
  };
}

function rateRows(entries: [string, number][], max: number, perShard?: (key: string) => string) {
  return entries.map(([k, v]) => {
    const bar = h('i');
    bar.style.width = `${max > 0 ? (v / max) * 100 : 0}%`;
    return h(
      'tr',
      { 'data-key': k },
      h('td', { class: 'mono nowrap' }, k),
      h('td', { class: 'bar' }, bar),
      h('td', { class: 'num' }, `${num(v, 1)}/min`),
      perShard ? h('td', { class: 'num muted' }, perShard(k)) : null,
    );
  });
}

export function renderRates(s: Snapshot): void {
  const { rates } = s;
  if (!s.events) {
    fill(byId('rates-hubs'));
    fill(byId('rates-endpoints'));
    fill(byId('rates-note'), errorBlock(s.eventsError));
    return;
  }
  const hubs = [...rates.perHub.entries()];
  fill(byId('rates-hubs'), h('tbody', {}, ...rateRows(hubs, Math.max(...hubs.map(([, v]) => v), 0))));
  const eps = [...rates.perEndpoint.entries()].sort((a, b) => b[1] - a[1]);
  fill(
    byId('rates-endpoints'),
    h(
      'tbody',
      {},
      ...(eps.length
        ? rateRows(eps, Math.max(...eps.map(([, v]) => v)), (k) => {
            const enabled = s.health.get(k)?.enabled ?? 0;
            if (enabled === 0) return 'no enabled shard';
            return `${num((rates.perEndpoint.get(k) ?? 0) / enabled, 2)} per shard × ${num(enabled)}`;
          })
        : [h('tr', {}, h('td', { class: 'muted' }, 'no events in the window'))]),
    ),
  );
  byId('rates-total').textContent = `${num(rates.total, 1)} events/min`;
  const minutes = num(rates.windowMs / 60_000, 1);
  byId('rates-note').textContent =
    `How this is computed: the newest ${s.events.events.length} events of all ${s.events.hubs} hubs (GET /admin/api/events/recent), ` +
    `counted over the last ${minutes} min${rates.saturated ? ` (the sample is full, so the window is the span it covers, at most ${RATE_WINDOW_MS / 60_000} min)` : ''} ` +
    `and divided by that time. Per hub: by the hub that logged the event. Per endpoint: by the endpoint that received it (via.endpoint); ` +
    `a shard's rate is its endpoint's rate divided by the endpoint's enabled shards, since Twitch spreads an endpoint's traffic over them.` +
    (s.events.unavailable.length ? ` Unavailable hubs: ${s.events.unavailable.join(', ')}.` : '');
}

export function renderAudit(s: Snapshot): void {
  fill(
    byId('audit'),
    h('thead', {}, h('tr', {}, ...['when', 'kind', 'result', 'reason'].map((t) => h('th', {}, t)))),
    h(
      'tbody',
      {},
      ...s.actions.map((a) =>
        h(
          'tr',
          {},
          h('td', { class: 'num' }, when(a.at)),
          h('td', {}, a.kind),
          h(
            'td',
            {},
            h(
              'span',
              { class: `badge ${a.result === 'ok' ? 'ok' : a.result === 'failed' ? 'bad' : 'info'}` },
              a.result,
            ),
          ),
          h('td', { class: 'wrap' }, a.reason),
        ),
      ),
    ),
  );
}
