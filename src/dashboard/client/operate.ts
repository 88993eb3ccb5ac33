/**
 * @module Operator actions (issue #7): schedule or cancel a maintenance window, scale, remove a shard, hand over a
 * websocket endpoint, reconcile (dry run or for real). Every change asks for confirmation first; every outcome is
 * shown, the API's error message verbatim.
 */
import { api, Unauthorized } from './api.ts';
import { confirmChange, errorBlock, reconcileBody, showResult } from './dialogs.ts';
import { byId, fill, h, num, when } from './dom.ts';
import type { Snapshot } from './snapshot.ts';
import type { Reconcile, Window } from './types.ts';

export interface OperateDeps {
  current(): Snapshot | null;
  refresh(): void;
  reauth(): void;
}

export interface Operations {
  removeShard(id: number): Promise<void>;
  cancelWindow(w: Window): Promise<void>;
  handover(endpoint: string): Promise<void>;
}

function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function updateSelects(s: Snapshot): void {
  const names = [...s.endpoints.keys()];
  const sync = (id: string, options: string[], blank?: string) => {
    const select = byId<HTMLSelectElement>(id);
    const keep = select.value;
    const want = [...(blank === undefined ? [] : ['']), ...options];
    if ([...select.options].map((o) => o.value).join('\n') !== want.join('\n')) {
      fill(select, ...want.map((v) => h('option', { value: v }, v === '' ? (blank ?? '') : v)));
      if (want.includes(keep)) select.value = keep;
    }
  };
  sync('scale-endpoint', names, 'the last shard’s endpoint');
  sync('window-endpoint', names);
  // Websocket endpoints first: only they can be handed over; the API says so for the others.
  const ws = [...s.endpoints.values()].filter((e) => e.kind === 'websocket').map((e) => e.name);
  sync('handover-endpoint', [...ws, ...names.filter((n) => !ws.includes(n))]);
  const count = byId<HTMLInputElement>('scale-count');
  if (!count.value) count.value = String(s.status.shards_total || 1);
}

export function wireOperations(deps: OperateDeps): Operations {
  async function run(title: string, call: () => Promise<Node[]>): Promise<void> {
    try {
      showResult(title, ...(await call()));
    } catch (err) {
      if (err instanceof Unauthorized) return deps.reauth();
      showResult(`${title}: refused`, errorBlock(err));
    } finally {
      deps.refresh();
    }
  }
  const reconcileCall = (path: string, body?: unknown) => async () =>
    reconcileBody(await api<Reconcile>('POST', path, body));

  byId('op-scale').addEventListener('submit', async (e) => {
    e.preventDefault();
    const n = Number(byId<HTMLInputElement>('scale-count').value);
    const endpoint = byId<HTMLSelectElement>('scale-endpoint').value;
    const from = deps.current()?.status.shards_total ?? 0;
    const what =
      n > from ? `Grow from ${num(from)} to ${num(n)} shards` : `Shrink from ${num(from)} to ${num(n)} shards`;
    const detail =
      n > from ? `New shards go to ${endpoint || 'the last shard’s endpoint'}.` : 'Shards are removed from the end.';
    if (!(await confirmChange('Scale the conduit?', what, detail))) return;
    await run('Scale', reconcileCall('/scale', endpoint ? { shard_count: n, endpoint } : { shard_count: n }));
  });

  const removeShard = async (id: number) => {
    const last = (deps.current()?.status.shards_total ?? 1) - 1;
    const moved =
      id === last
        ? 'It is the last shard: the conduit shrinks by one.'
        : `Shard ${last} moves into its place, then the conduit shrinks by one.`;
    if (!(await confirmChange(`Remove shard ${id}?`, moved))) return;
    await run(`Remove shard ${id}`, reconcileCall(`/shards/${id}/remove`));
  };
  byId('op-remove').addEventListener('submit', (e) => {
    e.preventDefault();
    void removeShard(Number(byId<HTMLInputElement>('remove-id').value));
  });

  const handover = async (endpoint: string) => {
    const method = byId<HTMLSelectElement>('handover-method').value;
    if (
      !(await confirmChange(`Hand over ${endpoint}?`, `Move its shards to a new socket by ${method}, without a gap.`))
    )
      return;
    await run(`Handover of ${endpoint}`, async () => {
      const r = await api<{ from_session: string; to_session: string; ms: number }>('POST', '/handover', {
        endpoint,
        method,
      });
      return [h('p', {}, `Done in ${r.ms} ms: ${r.from_session} → ${r.to_session}.`)];
    });
  };
  byId('op-handover').addEventListener('submit', (e) => {
    e.preventDefault();
    void handover(byId<HTMLSelectElement>('handover-endpoint').value);
  });

  byId('reconcile-dry').addEventListener(
    'click',
    () => void run('Dry-run reconcile: the plan', reconcileCall('/reconcile?dry_run=1')),
  );
  byId('reconcile-now').addEventListener('click', async () => {
    if (
      !(await confirmChange('Reconcile now?', 'Apply the plan to Twitch now (the cron also does this every minute).'))
    )
      return;
    await run('Reconcile', reconcileCall('/reconcile'));
  });

  const dialog = byId<HTMLDialogElement>('window-dialog');
  byId('window-new').addEventListener('click', () => {
    const hour = 3_600_000;
    const start = Math.ceil(Date.now() / hour) * hour + hour;
    byId<HTMLInputElement>('window-starts').value = toLocalInput(start);
    byId<HTMLInputElement>('window-ends').value = toLocalInput(start + 2 * hour);
    byId<HTMLInputElement>('window-note').value = '';
    byId<HTMLInputElement>('window-compact').checked = false;
    dialog.returnValue = '';
    dialog.showModal();
  });
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'ok') return;
    const endpoint = byId<HTMLSelectElement>('window-endpoint').value;
    const starts = new Date(byId<HTMLInputElement>('window-starts').value);
    const ends = new Date(byId<HTMLInputElement>('window-ends').value);
    const note = byId<HTMLInputElement>('window-note').value.trim();
    const compact = byId<HTMLInputElement>('window-compact').checked;
    if (Number.isNaN(starts.getTime()) || Number.isNaN(ends.getTime())) {
      showResult('Maintenance window', h('p', { class: 'error' }, 'Both times are needed.'));
      return;
    }
    const body = {
      endpoint,
      starts_at: starts.toISOString(),
      ends_at: ends.toISOString(),
      ...(note ? { note } : {}),
      ...(compact ? { compact } : {}),
    };
    const ok = await confirmChange(
      'Schedule this maintenance window?',
      `${endpoint}: ${when(body.starts_at)} → ${when(body.ends_at)}${note ? ` · ${note}` : ''}`,
      compact
        ? 'Compact: the conduit shrinks around the gap.'
        : 'Its shards move to other endpoints before it starts and back after it ends.',
    );
    if (!ok) return;
    try {
      await api<Window>('POST', '/maintenance', body);
    } catch (err) {
      if (err instanceof Unauthorized) return deps.reauth();
      showResult('Maintenance window: refused', errorBlock(err));
    }
    deps.refresh();
  });

  const cancelWindow = async (w: Window) => {
    if (!(await confirmChange(`Cancel window #${w.id}?`, `${w.endpoint}: ${when(w.starts_at)} → ${when(w.ends_at)}`)))
      return;
    try {
      await api('DELETE', `/maintenance/${w.id}`);
    } catch (err) {
      if (err instanceof Unauthorized) return deps.reauth();
      showResult('Cancel window: refused', errorBlock(err));
    }
    deps.refresh();
  };

  return { removeShard, cancelWindow, handover };
}
