/**
 * @module Workers-side pieces of the fuzz tests (issue #8): HMAC through Web Crypto (independent of src/verify), the
 * case budget (`FUZZ_CASES` binding: `npm run test:chaos` raises it), a bounded runner that sends each case through
 * the Worker's real entry point and judges the answer, and row counts of every EventHub table.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { describeCase, judge, toRequest, type Case } from '../../support/fuzz/case.ts';

const keys = new Map<string, Promise<CryptoKey>>();

export async function hmacHex(key: string, data: Uint8Array): Promise<string> {
  let k = keys.get(key);
  if (!k) {
    const raw = new TextEncoder().encode(key);
    k = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keys.set(key, k);
  }
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await k, new Uint8Array(data)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Cases per run: `FUZZ_CASES` when set (the chaos run), else `normal`. */
export function caseBudget(normal: number): number {
  const n = Number(env.FUZZ_CASES);
  return Number.isInteger(n) && n > 0 ? n : normal;
}

export interface FuzzReport {
  cases: number;
  byFamily: Record<string, number>;
  violations: string[];
  /** Cases answered 2xx whose message id had not been answered 2xx before: what the hubs should now hold. */
  newlyAccepted: number;
  statuses: Record<number, number>;
}

/** Send `count` cases, one at a time (a replay needs its original answered first), and judge each answer. */
export async function runCases(
  count: number,
  next: (index: number, now: number) => Promise<Case>,
): Promise<FuzzReport> {
  const report: FuzzReport = { cases: 0, byFamily: {}, violations: [], newlyAccepted: 0, statuses: {} };
  const acceptedIds = new Set<string>();
  for (let i = 0; i < count; i++) {
    const c = await next(i, Date.now());
    const res = await exports.default.fetch(toRequest('http://worker.test', c));
    const text = c.verdict === 'challenge' ? await res.text() : (await res.arrayBuffer(), '');
    report.cases++;
    report.byFamily[c.family] = (report.byFamily[c.family] ?? 0) + 1;
    report.statuses[res.status] = (report.statuses[res.status] ?? 0) + 1;
    const problem = judge(c, res.status, text);
    if (problem) report.violations.push(describeCase(c, problem));
    const ok = res.status >= 200 && res.status < 300;
    if (ok && c.messageId && (c.verdict === 'accept' || c.verdict === 'either') && !acceptedIds.has(c.messageId)) {
      acceptedIds.add(c.messageId);
      report.newlyAccepted++;
    }
    if (ok && c.verdict === 'duplicate' && c.messageId && !acceptedIds.has(c.messageId)) {
      report.violations.push(describeCase(c, 'a replay was answered 2xx but its original never was'));
    }
  }
  return report;
}

const HUB_TABLES = ['events', 'seen', 'revocations', 'dead_letters'] as const;
export type HubRows = Record<(typeof HUB_TABLES)[number], number>;

/** Rows in every table of hubs `hub:0` … `hub:N-1`, summed: what "no state changed" is checked against. */
export async function hubRows(hubCount: number): Promise<HubRows> {
  const total: HubRows = { events: 0, seen: 0, revocations: 0, dead_letters: 0 };
  for (let i = 0; i < hubCount; i++) {
    const counts = await runInDurableObject(env.EVENT_HUB.getByName(`hub:${i}`), (_hub, state) =>
      HUB_TABLES.map((t) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`).one().n),
    );
    HUB_TABLES.forEach((t, k) => (total[t] += counts[k] ?? 0));
  }
  return total;
}
