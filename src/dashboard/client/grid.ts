/**
 * @module The shard heat map: one small cell per shard, coloured by its status group, in a CSS grid. Cells are kept
 * and only their class changes between refreshes, so 20,000 shards redraw without rebuilding the DOM; one listener
 * on the grid serves every cell's hover and click.
 */
import { h } from './dom.ts';
import { drifted, groupOf } from './model.ts';
import type { Endpoint, Shard } from './types.ts';

function sizeFor(count: number): string {
  if (count <= 48) return 'size-l';
  if (count <= 600) return 'size-m';
  if (count <= 4_000) return 'size-s';
  return 'size-xs';
}

export function describeShard(s: Shard): string {
  const a = s.actual;
  const where = a?.method === 'webhook' ? a.callback : a?.session_id ? `session ${a.session_id}` : '';
  return `shard ${s.id} · ${s.desired_endpoint ?? 'no endpoint'} · ${a?.status ?? 'not listed by Twitch'}${where ? ` · ${where}` : ''}`;
}

export class ShardGrid {
  private cells: HTMLDivElement[] = [];
  private shards: readonly Shard[] = [];
  private hovered: number | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly hover: HTMLElement,
    onPick: (id: number) => void,
  ) {
    const idOf = (target: EventTarget | null): number | null => {
      const cell = target instanceof HTMLElement ? target.closest<HTMLElement>('.c') : null;
      return cell?.dataset.shard === undefined ? null : Number(cell.dataset.shard);
    };
    root.addEventListener('click', (e) => {
      const id = idOf(e.target);
      if (id !== null) onPick(id);
    });
    root.addEventListener('mouseover', (e) => {
      this.hovered = idOf(e.target);
      this.describeHovered();
    });
  }

  private describeHovered(): void {
    const shard = this.hovered === null ? undefined : this.shards[this.hovered];
    if (shard) this.hover.textContent = describeShard(shard);
  }

  render(
    shards: readonly Shard[],
    endpoints: ReadonlyMap<string, Endpoint>,
    match: ((s: Shard) => boolean) | null,
    selected: number | null,
  ): number {
    this.shards = shards;
    const size = sizeFor(shards.length);
    this.root.className = `grid ${size}${match ? ' searching' : ''}`;
    while (this.cells.length > shards.length) this.cells.pop()!.remove();
    const added: HTMLDivElement[] = [];
    while (this.cells.length + added.length < shards.length) added.push(h('div', { role: 'gridcell' }));
    this.root.append(...added);
    this.cells.push(...added);
    let hits = 0;
    shards.forEach((s, i) => {
      const cell = this.cells[i]!;
      const status = s.actual?.status ?? 'unknown';
      const hit = match?.(s) ?? false;
      if (hit) hits++;
      const cls = `c g-${groupOf(s.actual?.status)}${drifted(s, endpoints) ? ' drift' : ''}${hit ? ' hit' : ''}${s.id === selected ? ' selected' : ''}`;
      if (cell.className !== cls) cell.className = cls;
      if (cell.dataset.shard !== String(s.id)) cell.dataset.shard = String(s.id);
      if (cell.dataset.status !== status) cell.dataset.status = status;
      const label = size === 'size-l' ? `${s.id}|${s.desired_endpoint ?? '—'}|${status}` : '';
      if (cell.dataset.label !== label) {
        cell.dataset.label = label;
        if (label)
          cell.replaceChildren(String(s.id), h('small', {}, s.desired_endpoint ?? '—'), h('small', {}, status));
        else cell.replaceChildren();
      }
    });
    this.describeHovered();
    return hits;
  }
}
