/**
 * The dashboard in a real browser (issue #7): the dev stack (simulator + `wrangler dev`, provisioned like `npm run
 * dev`), Debian's chromium through playwright-core. It signs in (a wrong token first), checks what an operator sees
 * against the simulator's own state, schedules a maintenance window through the page's dialogs, runs a dry-run
 * reconcile, tries a handover, and saves the screenshots the README shows (docs/screenshots/).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionDev } from '../../scripts/provision.ts';
import { DEMO_BROADCASTERS } from '../../sim/payloads.ts';
import { startStack, type Stack } from '../../scripts/stack.ts';
import { waitFor } from '../support/wait.ts';
import { ensureChromium, launchBrowser, type Browser } from './support/browser.ts';

const ADMIN_TOKEN = `e2e-admin-${crypto.randomUUID()}`;
const SHOTS = join(process.cwd(), 'docs/screenshots');

let stack: Stack;
let dir: string;
let browser: Browser;
let page: Page;
/** The layout `provisionDev` sets (endpoint per shard id). */
let layout: string[];
const pageErrors: string[] = [];
const failed: string[] = [];

function simConduit() {
  const c = [...stack.sim.sim.state.conduits.values()][0];
  if (!c) throw new Error('the simulator has no conduit');
  return c;
}

const simStatuses = () => simConduit().shards.map((s) => s?.status ?? 'unknown');
const pageStatuses = () => page.$$eval('#grid .c', (cells) => cells.map((c) => (c as HTMLElement).dataset.status));

beforeAll(async () => {
  ensureChromium();
  dir = mkdtempSync(join(tmpdir(), 'conduit-dashboard-'));
  stack = await startStack({
    persistTo: dir,
    secrets: {
      TWITCH_CLIENT_SECRET: 'sim-client-secret',
      EVENTSUB_SECRET: `e2e-master-${crypto.randomUUID()}`,
      ADMIN_TOKEN,
    },
  });
  await provisionDev(stack);
  layout = (await stack.admin<{ shards: string[] }>('GET', '/layout')).body.shards;
  await waitFor(
    'every shard enabled in the simulator',
    () => simStatuses().length === layout.length && simStatuses().every((s) => s === 'enabled'),
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  // The controller's view of Twitch is its last listing; list again now that the challenges have passed.
  expect((await stack.admin('POST', '/reconcile')).status).toBe(200);
  // Some traffic for the rate panels: the demo broadcasters hash onto different shards.
  for (let i = 0; i < 24; i++) {
    const b = DEMO_BROADCASTERS[i % 4]!.id;
    await stack.sim.sim.delivery.notify({
      type: 'channel.follow',
      version: '2',
      condition: { broadcaster_user_id: b },
    });
  }
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  // A refused request is also logged as a console error; those are checked through `failed` instead.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`);
  });
  mkdirSync(SHOTS, { recursive: true });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('dashboard at GET /admin', () => {
  it('asks for the token, refuses a wrong one, and keeps the right one for the tab', async () => {
    await page.goto(`${stack.workerUrl}/admin`);
    await page.locator('#login').waitFor({ state: 'visible', timeout: 10_000 });
    await page.fill('#login-token', 'not-the-admin-token-0123');
    await page.click('#login button[type=submit]');
    await page.locator('#login-error', { hasText: 'refused' }).waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.evaluate(() => sessionStorage.getItem('conduit-admin-token'))).toBeNull();
    await page.fill('#login-token', ADMIN_TOKEN);
    await page.click('#login button[type=submit]');
    await page.locator('#login').waitFor({ state: 'hidden', timeout: 10_000 });
    await page.waitForFunction((t) => sessionStorage.getItem('conduit-admin-token') === t, ADMIN_TOKEN, {
      timeout: 5_000,
    });
  });

  it('shows the conduit, each shard with the status the simulator reports, endpoints and the token', async () => {
    await page.locator('#conduit-id', { hasText: simConduit().id }).waitFor({ timeout: 15_000 });
    const statuses = await waitFor(
      'grid cells matching /_sim/state',
      async () => {
        const cells = await pageStatuses();
        return cells.join() === simStatuses().join() ? cells : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    );
    expect(statuses).toEqual(layout.map(() => 'enabled'));
    expect(await page.textContent('#token-state')).toBe('valid');
    expect(await page.textContent('#shard-count')).toBe(String(layout.length));
    const endpoints = await page.$$eval('#endpoints tr[data-endpoint]', (rows) =>
      rows.map((r) => [(r as HTMLElement).dataset.endpoint, r.textContent ?? '']),
    );
    expect(endpoints.map(([name]) => name).sort()).toEqual([...new Set(layout)].sort());
    expect(endpoints.every(([, text]) => text?.includes('1/1 enabled'))).toBe(true);
    await page.locator('#rates-hubs tr').first().waitFor({ timeout: 10_000 });
    expect(await page.textContent('#rates-note')).toContain('How this is computed');
  });

  it('opens the detail view of one shard from a click and from the search box', async () => {
    await page.click('#grid .c[data-shard="1"]');
    const detail = page.locator('[data-testid=shard-detail][data-shard="1"]');
    await detail.waitFor({ timeout: 5_000 });
    const text = await detail.textContent();
    expect(text).toContain('second');
    expect(text).toContain(`${stack.workerUrl}/webhooks/second`);
    const ws = layout.findIndex((e) => e.startsWith('ws-'));
    const transport = simConduit().shards[ws]?.transport;
    if (ws >= 0 && transport?.method === 'websocket') {
      await page.click(`#grid .c[data-shard="${ws}"]`);
      const wsDetail = page.locator(`[data-testid=shard-detail][data-shard="${ws}"]`);
      await wsDetail.waitFor({ timeout: 5_000 });
      expect(await wsDetail.textContent()).toContain(transport.session_id);
    }
    await page.screenshot({ path: join(SHOTS, 'shard-detail.png') });
    await page.fill('#search', '0');
    await page.locator('[data-testid=shard-detail][data-shard="0"]').waitFor({ timeout: 5_000 });
    expect(await page.textContent('#search-count')).toBe(`1 of ${layout.length} match`);
    await page.fill('#search', 'status:failed');
    await page.locator('#search-count', { hasText: `0 of ${layout.length} match` }).waitFor({ timeout: 5_000 });
    await page.fill('#search', '');
  });

  it('schedules a maintenance window through its dialog and a confirmation', async () => {
    await page.click('#window-new');
    await page.locator('#window-dialog').waitFor({ state: 'visible', timeout: 5_000 });
    await page.selectOption('#window-endpoint', 'second');
    const hour = 3_600_000;
    const start = new Date(Math.ceil(Date.now() / hour) * hour + 2 * hour);
    const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.fill('#window-starts', local(start));
    await page.fill('#window-ends', local(new Date(start.getTime() + 3 * hour)));
    await page.fill('#window-note', 'e2e: upgrade the second host');
    await page.screenshot({ path: join(SHOTS, 'maintenance-dialog.png') });
    await page.click('#window-dialog button[value=ok]');
    const confirm = page.locator('#confirm');
    await confirm.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await confirm.textContent()).toContain('second');
    await page.click('#confirm-ok');
    await page.locator('#timeline .tl-bar', { hasText: 'e2e: upgrade the second host' }).waitFor({ timeout: 15_000 });
    const listed = await stack.admin<{ endpoint: string; note?: string; starts_at: string }[]>('GET', '/maintenance');
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0]).toMatchObject({ endpoint: 'second', note: 'e2e: upgrade the second host' });
    expect(Date.parse(listed.body[0]!.starts_at)).toBe(start.getTime());
  });

  it('cancelling the confirmation changes nothing', async () => {
    await page.fill('#remove-id', '1');
    await page.click('#op-remove button[type=submit]');
    await page.locator('#confirm').waitFor({ state: 'visible', timeout: 5_000 });
    await page.click('#confirm button[value=cancel]');
    await page.locator('#confirm').waitFor({ state: 'hidden', timeout: 5_000 });
    expect(simConduit().shards).toHaveLength(layout.length);
    expect((await stack.admin<{ shards: string[] }>('GET', '/layout')).body.shards).toEqual(layout);
  });

  it('runs a dry-run reconcile that shows the plan for a shard Twitch disabled, applying nothing', async () => {
    const conduit = simConduit();
    const forced = await fetch(`${stack.sim.url}/_sim/conduits/${conduit.id}/shards/1/status`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'notification_failures_exceeded' }),
    });
    expect(forced.status).toBe(200);
    await page.click('#reconcile-dry');
    const plan = page.locator('#result [data-testid=plan]');
    await plan.waitFor({ timeout: 15_000 });
    expect(await page.textContent('#result-title')).toContain('Dry-run');
    expect(await plan.textContent()).toMatch(/shard 1 → second/);
    expect(await page.textContent('#result-body')).toContain('dry run: nothing was applied');
    await page.click('#result button[value=close]');
    expect(simConduit().shards[1]?.status).toBe('notification_failures_exceeded');
    await waitFor(
      'grid showing the disabled shard',
      async () => ((await pageStatuses()).join() === simStatuses().join() ? true : undefined),
      { timeoutMs: 15_000, intervalMs: 250 },
    );
    expect(await page.getAttribute('#grid .c[data-shard="1"]', 'class')).toContain('g-failed');
  });

  it('shows the API’s own error when a handover is refused', async () => {
    const expected = await stack.admin<{ error: string }>('POST', '/handover', {
      endpoint: 'default',
      method: 'reassign',
    });
    expect(expected.status).toBeGreaterThanOrEqual(400);
    await page.selectOption('#handover-endpoint', 'default');
    await page.click('#op-handover button[type=submit]');
    await page.locator('#confirm').waitFor({ state: 'visible', timeout: 5_000 });
    await page.click('#confirm-ok');
    const error = page.locator('#result [data-testid=api-error]');
    await error.waitFor({ timeout: 15_000 });
    expect(await error.textContent()).toBe(`HTTP ${expected.status}: ${expected.body.error}`);
    await page.click('#result button[value=close]');
  });

  it('hands a websocket endpoint over to a new socket from the page', async () => {
    const ws = layout.findIndex((e) => e.startsWith('ws-'));
    const before = simConduit().shards[ws]?.transport;
    expect(before?.method).toBe('websocket');
    await page.selectOption('#handover-endpoint', layout[ws]!);
    await page.selectOption('#handover-method', 'reassign');
    await page.click('#op-handover button[type=submit]');
    await page.locator('#confirm').waitFor({ state: 'visible', timeout: 5_000 });
    await page.click('#confirm-ok');
    await page.locator('#result-body', { hasText: 'Done in' }).waitFor({ timeout: 30_000 });
    const after = simConduit().shards[ws]?.transport;
    expect(
      after?.method === 'websocket' && before?.method === 'websocket' && after.session_id !== before.session_id,
    ).toBe(true);
    expect(await page.textContent('#result-body')).toContain(after?.method === 'websocket' ? after.session_id : '?');
    await page.click('#result button[value=close]');
    // The README's picture: a window on the timeline, a shard Twitch disabled, the audit log of all the above.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'dashboard-overview.png'), fullPage: true });
  });

  it('served the page with a strict CSP and raised no script errors', async () => {
    const res = await fetch(`${stack.workerUrl}/admin`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(pageErrors).toEqual([]);
    // Only the wrong token and the refused handover were turned away.
    const refusedHandover = failed.find((f) => f.startsWith('POST /admin/api/handover'));
    expect(refusedHandover).toBeDefined();
    expect(failed.filter((f) => f !== refusedHandover && !f.endsWith(' 401'))).toEqual([]);
    expect(failed.some((f) => f.startsWith('GET /admin/api/status') && f.endsWith(' 401'))).toBe(true);
  });
});
