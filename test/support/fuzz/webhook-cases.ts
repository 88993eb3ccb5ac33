/**
 * @module A seeded generator of forged and malformed requests for `POST /webhooks/:endpoint` (issue #8), each with
 * the verdict the contract demands (design.md §5, twitch-eventsub.md §3.3–3.5): anything not validly signed and fresh
 * is refused with a 4xx; a validly signed, fresh body that is not a message is a 4xx too; a valid message is a 2xx,
 * and its replay is a 2xx duplicate. Header-name case, header order, content type and unrelated headers vary on
 * every case, since none of them may change the verdict. Pure: HMAC is injected, the clock is an argument.
 */
import { seededRng, type Rng } from '../prng.ts';
import { sendable, type Case, type Verdict } from './case.ts';
import {
  deepJson,
  nastyString,
  notJson,
  pollutingKeys,
  randomAscii,
  randomHex,
  utf8,
  withInvalidUtf8,
} from './hostile.ts';
import {
  header,
  headersOf,
  junkEnvelope,
  NOT_TIMESTAMPS,
  reshuffle,
  rfc3339,
  tamper,
  validBody,
  type Message,
} from './webhook-message.ts';

export interface WebhookFuzzOptions {
  seed: number;
  endpoint: string;
  /** The endpoint's own secret (the one Twitch signs with). */
  secret: string;
  /** Keys that must never verify: the master secret, other endpoints' secrets, unrelated strings. */
  wrongSecrets: readonly string[];
  hmacHex(key: string, data: Uint8Array): Promise<string>;
}

const MINUTE = 60_000;

/** Families and their weights. Verdicts are fixed per family except where a prior valid case is needed. */
const FAMILIES: readonly [string, number][] = [
  ['valid', 8],
  ['replay', 4],
  ['replay-tampered', 2],
  ['odd-json', 3],
  ['challenge', 1],
  ['challenge-forged', 2],
  ['sig-random', 6],
  ['sig-wrong-secret', 6],
  ['sig-truncated', 5],
  ['sig-uppercase', 2],
  ['sig-prefix', 3],
  ['sig-suffix', 3],
  ['tamper-body', 5],
  ['tamper-id', 4],
  ['tamper-timestamp', 4],
  ['missing-header', 6],
  ['duplicate-header', 3],
  ['stale', 5],
  ['future', 4],
  ['bad-timestamp', 4],
  ['invalid-utf8', 4],
  ['not-json', 4],
  ['junk-json', 5],
  ['huge-body', 0.3],
  ['empty-body', 2],
  ['bad-type', 2],
  ['wrong-method', 2],
  ['wrong-path', 3],
];
export const WEBHOOK_FAMILIES: readonly string[] = FAMILIES.map(([f]) => f);

function pickFamily(rng: Rng): string {
  const total = FAMILIES.reduce((s, [, w]) => s + w, 0);
  let x = rng.next() * total;
  for (const [family, weight] of FAMILIES) {
    x -= weight;
    if (x < 0) return family;
  }
  return 'valid';
}

export function webhookFuzzer(opts: WebhookFuzzOptions) {
  const rng = seededRng(opts.seed);
  const accepted: Case[] = [];
  const path = `/webhooks/${opts.endpoint}`;

  const sign = async (m: Message, secret = opts.secret): Promise<string> => {
    const head = utf8(m.id + m.timestamp);
    const data = new Uint8Array(head.length + m.body.length);
    data.set(head, 0);
    data.set(m.body, head.length);
    return `sha256=${await opts.hmacHex(secret, data)}`;
  };

  const fresh = (index: number, now: number): Message => ({
    id: `fuzz-${opts.seed}-${index}`,
    timestamp: rfc3339(rng, now + rng.int(-8 * MINUTE, 30_000)),
    type: 'notification',
    body: utf8(validBody(rng)),
  });

  /** A correctly signed message with one field replaced before signing. */
  const signedWith = async (m: Message, change: Partial<Message>) => {
    const changed = { ...m, ...change };
    return { m: changed, signature: await sign(changed) };
  };

  async function build(index: number, now: number, family: string): Promise<Case> {
    const m = fresh(index, now);
    let signature = await sign(m);
    let verdict: Verdict = 'reject';
    let method = 'POST';
    let target = path;
    const drop: string[] = [];
    const extra: [string, string][] = [];
    let msg = m;
    switch (family) {
      case 'valid':
        verdict = 'accept';
        break;
      case 'odd-json': {
        const body = JSON.parse(validBody(rng)) as { event: Record<string, unknown> };
        body.event = { ...body.event, ...pollutingKeys(rng), nasty: nastyString(rng) };
        if (rng.chance(0.3)) body.event.deep = JSON.parse(deepJson(rng.int(100, 2_000), 'object'));
        ({ m: msg, signature } = await signedWith(m, { body: utf8(JSON.stringify(body)) }));
        verdict = 'either';
        break;
      }
      case 'challenge': {
        const challenge = randomAscii(rng, rng.int(1, 64));
        const body = { challenge, conduit_shard: { conduit_id: 'c-fuzz', shard: String(rng.int(0, 9)) } };
        ({ m: msg, signature } = await signedWith(m, {
          type: 'webhook_callback_verification',
          body: utf8(JSON.stringify(body)),
        }));
        return sendable(
          index,
          family,
          'challenge',
          method,
          target,
          headersOf(rng, msg, signature, drop, extra),
          msg.body,
          { challenge },
        );
      }
      case 'challenge-forged': {
        const body = { challenge: randomAscii(rng, 20), conduit_shard: { conduit_id: 'c-fuzz', shard: '0' } };
        msg = { ...m, type: 'webhook_callback_verification', body: utf8(JSON.stringify(body)) };
        signature = await sign(msg, rng.pick(opts.wrongSecrets));
        break;
      }
      case 'sig-random':
        signature = `sha256=${randomHex(rng, 64)}`;
        break;
      case 'sig-wrong-secret':
        signature = await sign(m, rng.chance(0.5) ? rng.pick(opts.wrongSecrets) : randomAscii(rng, rng.int(1, 100)));
        break;
      case 'sig-truncated':
        signature = signature.slice(0, rng.int(0, signature.length - 1));
        if (signature.trim() === '') drop.push(header.signature);
        break;
      case 'sig-uppercase':
        // Twitch sends lowercase hex (§3.2); the check refuses anything else.
        signature = `sha256=${signature.slice(7).toUpperCase()}`;
        if (!/[a-f]/.test(signature.slice(7).toLowerCase())) signature = `sha256=${'A'.repeat(64)}`;
        break;
      case 'sig-prefix':
        signature = rng.pick(['', 'sha1=', 'SHA256=', 'sha256:', 'sha512=', 'sha256==']) + signature.slice(7);
        break;
      case 'sig-suffix':
        signature += rng.pick(['0', 'ff', ' x', ',sha256=00', `, ${signature}`, '%00']);
        break;
      case 'tamper-body':
        msg = { ...m, body: tamper(rng, m.body) };
        break;
      case 'tamper-id':
        msg = { ...m, id: rng.chance(0.5) ? `${m.id}x` : randomAscii(rng, rng.int(1, 80)) };
        break;
      case 'tamper-timestamp':
        msg = { ...m, timestamp: rfc3339(rng, Date.parse(m.timestamp.slice(0, 19) + 'Z') + rng.int(1, 5) * 1_000) };
        if (msg.timestamp === m.timestamp) msg = { ...m, timestamp: `${m.timestamp}x` };
        break;
      case 'missing-header': {
        const required = [header.id, header.timestamp, header.signature, header.type];
        const n = rng.int(1, required.length);
        for (let i = 0; i < n; i++) drop.push(required.splice(rng.int(0, required.length - 1), 1)[0] as string);
        break;
      }
      case 'duplicate-header': {
        const name = rng.pick([header.id, header.timestamp, header.signature]);
        const value = name === header.id ? m.id : name === header.timestamp ? m.timestamp : signature;
        extra.push([name, rng.chance(0.5) ? value : randomAscii(rng, 12)]);
        break;
      }
      case 'stale':
        ({ m: msg, signature } = await signedWith(m, {
          timestamp: rfc3339(rng, now - 10 * MINUTE - rng.int(2_000, 3e11)),
        }));
        break;
      case 'future':
        ({ m: msg, signature } = await signedWith(m, { timestamp: rfc3339(rng, now + MINUTE + rng.int(2_000, 3e11)) }));
        break;
      case 'bad-timestamp':
        ({ m: msg, signature } = await signedWith(m, { timestamp: rng.pick(NOT_TIMESTAMPS) }));
        break;
      case 'invalid-utf8':
        ({ m: msg, signature } = await signedWith(m, { body: withInvalidUtf8(rng, m.body) }));
        break;
      case 'not-json':
        ({ m: msg, signature } = await signedWith(m, { body: utf8(notJson(rng, new TextDecoder().decode(m.body))) }));
        break;
      case 'junk-json':
        ({ m: msg, signature } = await signedWith(m, { body: utf8(junkEnvelope(rng, m.body)) }));
        break;
      case 'huge-body': {
        const body = new Uint8Array(1024 * 1024 + rng.int(1, 4096)).fill(0x61);
        ({ m: msg, signature } = await signedWith(m, { body }));
        if (rng.chance(0.5)) signature = `sha256=${randomHex(rng, 64)}`;
        break;
      }
      case 'empty-body':
        ({ m: msg, signature } = await signedWith(m, { body: new Uint8Array() }));
        if (rng.chance(0.5)) signature = `sha256=${randomHex(rng, 64)}`;
        break;
      case 'bad-type':
        ({ m: msg, signature } = await signedWith(m, {
          // Types Twitch does not send; case variants of real ones are left out (refusing them is a choice, not a rule).
          type: rng.pick(['revocations', 'webhook', 'notify', 'challenge', `x${randomAscii(rng, 10)}`]),
        }));
        break;
      case 'wrong-method':
        method = rng.pick(['GET', 'PUT', 'PATCH', 'DELETE', 'HEAD']);
        break;
      case 'wrong-path':
        // Only names the route refuses before the endpoint registry: a well-formed unknown name waits up to 2 s for
        // a registry refresh by design (src/routes/endpoint-registry.ts), too slow to send thousands of; the
        // webhook route tests cover its 404.
        target = rng.pick([
          `/webhooks/${opts.endpoint.toUpperCase()}`,
          `/webhooks/${opts.endpoint}/extra`,
          `/webhooks/${opts.endpoint}%00`,
          `/webhooks/${'a'.repeat(rng.int(33, 300))}`,
          '/webhooks/',
          '/webhook/default',
          '/WEBHOOKS/default',
          `/webhooks/_${randomAscii(rng, 8, 'abc_$.!')}`,
        ]);
        break;
      case 'replay':
      case 'replay-tampered': {
        if (accepted.length === 0) return build(index, now, 'valid');
        const original = rng.pick(accepted);
        if (family === 'replay') {
          return sendable(
            index,
            family,
            'duplicate',
            'POST',
            original.path,
            reshuffle(rng, original.headers),
            original.body,
            {
              messageId: original.messageId,
            },
          );
        }
        return sendable(
          index,
          family,
          'reject',
          'POST',
          original.path,
          original.headers,
          tamper(rng, original.body ?? utf8('{}')),
        );
      }
      default:
        throw new Error(`unknown family ${family}`);
    }
    const c = sendable(
      index,
      family,
      verdict,
      method,
      target,
      headersOf(rng, msg, signature, drop, extra),
      method === 'GET' || method === 'HEAD' ? null : msg.body,
      {
        messageId: msg.id,
      },
    );
    if (verdict === 'accept') accepted.push(c);
    return c;
  }

  return {
    /** Case number `index`, built at `now` (timestamps are relative to it). */
    next: (index: number, now: number): Promise<Case> => build(index, now, pickFamily(rng)),
  };
}
