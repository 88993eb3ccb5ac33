/**
 * Fuzzing `POST /webhooks/:endpoint` through the Worker's entry point (issue #8; design.md §5): a seeded stream of
 * forged and malformed requests (test/support/fuzz/webhook-cases.ts), at least 10,000 per run, with valid messages
 * and their replays mixed in as controls. Proves: nothing that is not validly signed and fresh gets a 2xx, nothing
 * gets a 5xx, a replay is a 2xx that records nothing, and the hubs' tables grow by exactly the messages that were
 * accepted. Does not prove anything about the WebSocket path or the Queue consumer (other files).
 */
import { env } from 'cloudflare:workers';
import { beforeEach, expect, it } from 'vitest';
import { forgetEndpointRegistry } from '../../src/routes/endpoint-registry.ts';
import { webhookFuzzer } from '../support/fuzz/webhook-cases.ts';
import { caseBudget, hmacHex, hubRows, runCases } from './support/fuzz.ts';

const SEED = 0x5eed_0008;
const CASES = caseBudget(10_000);
const HUB_COUNT = Number(env.HUB_COUNT ?? '8');

const derived = (master: string, name: string) => hmacHex(master, new TextEncoder().encode(`conduit-webhook:${name}`));

beforeEach(() => forgetEndpointRegistry());

it(
  `refuses every forged or malformed webhook request (${CASES} cases, seed ${SEED})`,
  { timeout: Math.max(300_000, CASES * 10) },
  async () => {
    const fuzzer = webhookFuzzer({
      seed: SEED,
      endpoint: 'default',
      secret: await derived(env.EVENTSUB_SECRET, 'default'),
      wrongSecrets: [
        env.EVENTSUB_SECRET,
        await derived(env.EVENTSUB_SECRET, 'second'),
        await derived('another-master-secret-0123456789', 'default'),
      ],
      hmacHex,
    });
    const before = await hubRows(HUB_COUNT);
    const report = await runCases(CASES, fuzzer.next);
    const after = await hubRows(HUB_COUNT);

    console.log(`fuzz-webhook: ${JSON.stringify({ seed: SEED, ...report, violations: report.violations.length })}`);
    expect(report.violations.slice(0, 20)).toEqual([]);
    expect(report.cases).toBe(CASES);
    // Controls ran: valid messages were accepted and replays were sent, so a refusal of everything would fail here.
    expect(report.newlyAccepted).toBeGreaterThan(CASES * 0.05);
    expect(report.byFamily.replay ?? 0).toBeGreaterThan(0);
    expect(after).toEqual({
      events: before.events + report.newlyAccepted,
      seen: before.seen + report.newlyAccepted,
      revocations: before.revocations,
      dead_letters: before.dead_letters,
    });
  },
);
