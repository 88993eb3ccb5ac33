/** @module Maintenance windows on a timeline (one row per endpoint, a line at now) and as a table with cancel buttons. */
import { byId, fill, h, when } from './dom.ts';
import { relative, timelineScale, windowState } from './model.ts';
import type { Snapshot } from './snapshot.ts';
import type { Window } from './types.ts';

function place(el: HTMLElement, left: number, right?: number): HTMLElement {
  el.style.left = `${left}%`;
  if (right !== undefined) el.style.width = `${Math.max(0.4, right - left)}%`;
  return el;
}

function tickLabel(t: number, step: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  const day = `${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  return step >= 24 * 3_600_000 ? day : `${day} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function renderTimeline(s: Snapshot, onCancel: (w: Window) => void): void {
  const windows = [...s.status.windows].sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
  const scale = timelineScale(windows, s.at);
  const step = scale.ticks.length > 1 ? scale.ticks[1]! - scale.ticks[0]! : 3_600_000;
  const names = [...new Set(windows.map((w) => w.endpoint))];
  const rows = names.map((name) =>
    h(
      'div',
      { class: 'tl-row', 'data-endpoint': name },
      h('span', { class: 'tl-label' }, name),
      ...windows
        .filter((w) => w.endpoint === name)
        .map((w) =>
          place(
            h(
              'div',
              {
                class: `tl-bar ${windowState(w, s.at)}`,
                'data-window': w.id,
                title: `${w.endpoint}: ${when(w.starts_at)} → ${when(w.ends_at)}${w.note ? ` · ${w.note}` : ''}`,
              },
              w.note || `#${w.id}`,
            ),
            scale.at(Date.parse(w.starts_at)),
            scale.at(Date.parse(w.ends_at)),
          ),
        ),
    ),
  );
  fill(
    byId('timeline'),
    ...scale.ticks.map((t) => place(h('div', { class: 'tl-tick' }, tickLabel(t, step)), scale.at(t))),
    place(h('div', { class: 'tl-now' }, h('span', {}, 'now')), scale.at(s.at)),
    ...(rows.length
      ? rows
      : [
          h('div', { class: 'tl-empty' }, 'No maintenance windows. Schedule one to move shards away from an endpoint.'),
        ]),
  );

  const table = byId('windows');
  fill(
    table,
    h('thead', {}, h('tr', {}, ...['#', 'endpoint', 'starts', 'ends', 'state', 'note', ''].map((t) => h('th', {}, t)))),
    h(
      'tbody',
      {},
      ...windows.map((w) => {
        const cancel = h('button', { type: 'button', class: 'ghost' }, 'Cancel…');
        cancel.addEventListener('click', () => onCancel(w));
        const state = windowState(w, s.at);
        return h(
          'tr',
          { 'data-window': w.id },
          h('td', { class: 'num' }, String(w.id)),
          h('td', {}, w.endpoint),
          h('td', { class: 'num' }, `${when(w.starts_at)} (${relative(w.starts_at, s.at)})`),
          h('td', { class: 'num' }, when(w.ends_at)),
          h(
            'td',
            {},
            h('span', { class: `badge ${state === 'active' ? 'warn' : state === 'upcoming' ? 'info' : ''}` }, state),
          ),
          h('td', {}, `${w.note ?? ''}${w.compact ? ' (compact)' : ''}`),
          h('td', {}, cancel),
        );
      }),
    ),
  );
}
