/**
 * @module The dashboard's entry (design.md §5 `GET /admin`): asks for the admin token once per tab, then refreshes
 * every 5 s while the tab is visible (paused while hidden, one refresh at a time) and renders every panel.
 */
import { token, Unauthorized } from './api.ts';
import { renderDetail } from './detail.ts';
import { askToken } from './dialogs.ts';
import { byId, clock, num } from './dom.ts';
import { ShardGrid } from './grid.ts';
import { searchedShard, shardMatcher } from './model.ts';
import { updateSelects, wireOperations } from './operate.ts';
import { renderAudit, renderEndpoints, renderHeader, renderLegend, renderRates } from './panels.ts';
import { loadSnapshot, type Snapshot } from './snapshot.ts';
import { renderTimeline } from './timeline.ts';

const REFRESH_MS = 5_000;

let snapshot: Snapshot | null = null;
let selected: number | null = null;
let timer: number | undefined;
let inFlight = false;
let again = false;
let authing = false;

const search = byId<HTMLInputElement>('search');
const refreshState = byId('refresh-state');
const grid = new ShardGrid(byId('grid'), byId('grid-hover'), (id) => {
  selected = id;
  renderShards();
});
const ops = wireOperations({
  current: () => snapshot,
  refresh: () => void refresh(),
  reauth: () => void reauth('The admin token was refused; enter it again.'),
});

function renderShards(): void {
  if (!snapshot) return;
  const match = shardMatcher(search.value);
  const hits = grid.render(snapshot.shards, snapshot.endpoints, match, selected);
  byId('search-count').textContent = match ? `${num(hits)} of ${num(snapshot.shards.length)} match` : '';
  renderDetail(snapshot, selected, (id) => void ops.removeShard(id));
}

function renderAll(s: Snapshot): void {
  renderHeader(s);
  renderLegend(s);
  renderShards();
  renderEndpoints(s, (name) => void ops.handover(name));
  renderRates(s);
  renderTimeline(s, (w) => void ops.cancelWindow(w));
  renderAudit(s);
  updateSelects(s);
}

function schedule(): void {
  window.clearTimeout(timer);
  if (token.get() === null) return;
  if (document.hidden) {
    refreshState.textContent = 'paused while the tab is hidden';
    return;
  }
  timer = window.setTimeout(() => void refresh(), again ? 0 : REFRESH_MS);
  again = false;
}

async function refresh(): Promise<void> {
  if (inFlight) {
    again = true;
    return;
  }
  window.clearTimeout(timer);
  inFlight = true;
  try {
    snapshot = await loadSnapshot();
    renderAll(snapshot);
    refreshState.textContent = `updated ${clock(snapshot.at)} · every ${REFRESH_MS / 1000} s`;
  } catch (err) {
    if (err instanceof Unauthorized) {
      inFlight = false;
      return reauth('The admin token was refused; enter it again.');
    }
    const banner = byId('banner');
    banner.hidden = false;
    banner.textContent = `Refresh failed: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    inFlight = false;
    schedule();
  }
}

async function reauth(message: string | null): Promise<void> {
  if (authing) return;
  authing = true;
  token.clear();
  window.clearTimeout(timer);
  refreshState.textContent = 'signed out';
  token.set(await askToken(message));
  authing = false;
  await refresh();
}

search.addEventListener('input', () => {
  const pick = snapshot ? searchedShard(search.value, snapshot.shards.length) : null;
  if (pick !== null) selected = pick;
  renderShards();
  document.querySelector('#grid .c.hit')?.scrollIntoView({ block: 'nearest' });
});
byId('sign-out').addEventListener('click', () => void reauth(null));
document.addEventListener('visibilitychange', () => (document.hidden ? schedule() : void refresh()));

if (token.get() === null) void reauth(null);
else void refresh();
