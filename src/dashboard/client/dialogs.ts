/**
 * @module The page's dialogs: sign-in (the admin token, asked once per tab), a confirmation before every change, and
 * the outcome of an operation (a plan, or the API's error verbatim).
 */
import { ApiError } from './api.ts';
import { byId, fill, h } from './dom.ts';
import type { Plan, Reconcile } from './types.ts';

/** Resolves with the dialog's return value once it closes (a `<form method="dialog">` button's `value`). */
function closed(dialog: HTMLDialogElement): Promise<string> {
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true });
  });
}

export async function askToken(message: string | null): Promise<string> {
  const dialog = byId<HTMLDialogElement>('login');
  const error = byId('login-error');
  const input = byId<HTMLInputElement>('login-token');
  error.hidden = message === null;
  error.textContent = message ?? '';
  input.value = '';
  for (;;) {
    dialog.returnValue = '';
    dialog.showModal();
    input.focus();
    await closed(dialog);
    // Escape closes a modal dialog; the page is useless without a token, so ask again.
    if (input.value.trim()) return input.value.trim();
  }
}

export async function confirmChange(title: string, ...lines: (string | Node)[]): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>('confirm');
  byId('confirm-title').textContent = title;
  fill(byId('confirm-body'), ...lines.map((l) => (typeof l === 'string' ? h('p', {}, l) : l)));
  dialog.returnValue = '';
  dialog.showModal();
  return (await closed(dialog)) === 'confirm';
}

export function showResult(title: string, ...body: (string | Node)[]): void {
  const dialog = byId<HTMLDialogElement>('result');
  byId('result-title').textContent = title;
  fill(byId('result-body'), ...body.map((l) => (typeof l === 'string' ? h('p', {}, l) : l)));
  if (!dialog.open) dialog.showModal();
}

export function errorBlock(err: unknown): HTMLElement {
  const text = err instanceof ApiError ? `HTTP ${err.status}: ${err.message}` : String(err);
  return h('p', { class: 'error', 'data-testid': 'api-error' }, text);
}

function planList(plan: Plan): HTMLElement {
  const items: HTMLElement[] = [];
  for (const step of plan.steps) {
    if (step.kind === 'assign') {
      const shown = step.shards.slice(0, 25);
      items.push(
        h(
          'li',
          {},
          `assign ${step.shards.length} shard${step.shards.length === 1 ? '' : 's'}`,
          h(
            'ul',
            {},
            ...shown.map((s) => h('li', {}, `shard ${s.id} → ${s.endpoint} (${s.reason})`)),
            step.shards.length > shown.length
              ? h('li', { class: 'muted' }, `… ${step.shards.length - shown.length} more`)
              : null,
          ),
        ),
      );
    } else items.push(h('li', {}, `${step.kind} from ${step.from} to ${step.to} shards (${step.reason})`));
  }
  for (const w of plan.waiting.slice(0, 25))
    items.push(h('li', { class: 'muted' }, `waiting: shard ${w.id} → ${w.endpoint} (${w.reason})`));
  if (items.length === 0) items.push(h('li', {}, 'nothing to do: Twitch already matches the desired layout'));
  return h('ul', { class: 'plan summary-list', 'data-testid': 'plan' }, ...items);
}

export function reconcileBody(r: Reconcile): HTMLElement[] {
  const p = r.progress;
  return [
    planList(r.plan),
    r.note ? h('p', { class: 'muted' }, r.note) : null,
    h(
      'p',
      { class: 'muted' },
      `${r.plan.unchanged} shard${r.plan.unchanged === 1 ? '' : 's'} unchanged · ${r.dry_run ? 'dry run: nothing was applied' : `phase ${p.phase}, ${p.steps_done}/${p.steps_total} steps, ${p.helix_calls} Helix calls`}${r.continues ? ' · continues in the next invocation' : ''}`,
    ),
  ].filter((e): e is HTMLElement => e !== null);
}
