/**
 * Fuzzing the admin API through the Worker's entry point (issue #8; design.md §5): a seeded stream of requests with
 * bad credentials on every route of the OpenAPI document (exactly 401), and with the right token, bodies, parameters,
 * media types, paths and methods the route refuses (a 4xx) — test/support/fuzz/admin-cases.ts. Proves: never a 5xx,
 * never a 2xx, and nothing changed: the controller's layout, endpoints, windows, subscriptions and audit log read the
 * same before and after, and Twitch (the simulator) received no mutating call. Valid requests are other files' job.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, expect, it } from 'vitest';
import { adminFuzzer, type OpenApiDoc } from '../support/fuzz/admin-cases.ts';
import { simControl, writes } from '../support/sim-control.ts';
import { ADMIN_ROUTES, adminFetch } from './support/admin-api.ts';
import { waitFor } from '../support/wait.ts';
import { caseBudget, runCases } from './support/fuzz.ts';

const SEED = 0x5eed_0a0d;
const CASES = caseBudget(10_000);
const sim = simControl(env.SIM_BASE);

/** What a change would show: the controller's desired state and its audit log, as the admin API reads them. */
async function snapshot(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const path of ['/layout', '/endpoints', '/maintenance', '/subscriptions', '/actions?limit=1000']) {
    const res = await adminFetch('GET', path);
    out[path] = { status: res.status, body: await res.json() };
  }
  return out;
}

/** The controller has no pass scheduled: nothing in flight can change what `snapshot` reads. */
async function settled(): Promise<void> {
  const controller = env.CONDUIT_CONTROLLER.getByName(`conduit:${env.CONDUIT_ID}`);
  await waitFor(
    'the controller to have no alarm pending',
    () => runInDurableObject(controller, async (_c, state) => (await state.storage.getAlarm()) === null),
    { timeoutMs: 15_000, intervalMs: 100 },
  );
}

let doc: OpenApiDoc;

beforeAll(async () => {
  await sim.reset();
  // Bootstrap and a first pass happen on first use; let them finish before the snapshot, not during the fuzz.
  expect((await adminFetch('POST', '/reconcile')).status).toBe(200);
  await settled();
  doc = (await (await adminFetch('GET', '/openapi.json')).json()) as OpenApiDoc;
});

it(
  `refuses every bad admin request without a change (${CASES} cases, seed ${SEED})`,
  { timeout: Math.max(300_000, CASES * 10) },
  async () => {
    const fuzzer = adminFuzzer({ seed: SEED, doc, bases: ADMIN_ROUTES, token: env.ADMIN_TOKEN });
    const before = await snapshot();
    const since = Math.max(0, ...(await sim.calls()).map((c) => c.seq));
    const report = await runCases(CASES, fuzzer.next);
    const after = await snapshot();
    const twitchWrites = writes(await sim.calls(since));

    console.log(`fuzz-admin: ${JSON.stringify({ seed: SEED, ...report, violations: report.violations.length })}`);
    expect(report.violations.slice(0, 20)).toEqual([]);
    expect(report.cases).toBe(CASES);
    expect(Object.keys(report.byFamily).length).toBeGreaterThanOrEqual(8);
    // Every route of the document was reached with a bad token at least once.
    expect(report.statuses[401]).toBeGreaterThan(Object.keys(doc.paths).length);
    expect(after).toEqual(before);
    expect(twitchWrites).toEqual([]);
  },
);
