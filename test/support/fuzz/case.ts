/**
 * @module One fuzz case as plain data (method, path, headers, bytes) with the verdict the contract demands, how it
 * becomes a `Request`, and the judge that compares an answer with the verdict. No platform imports: the cases are
 * generated and checked the same way in plain Node and in workerd.
 */

/**
 * - `reject`: a 4xx (never a 2xx, never a 5xx);
 * - `accept`: a 2xx, and the message is recorded once;
 * - `duplicate`: a 2xx, and nothing new is recorded;
 * - `either`: validly signed and fresh but odd: a 2xx (recorded once) or a 4xx;
 * - `challenge`: 200 with exactly the challenge as the body;
 * - `unauthorized`: exactly 401;
 * - `read`: a read-only request: anything but a 5xx.
 */
export type Verdict = 'reject' | 'accept' | 'duplicate' | 'either' | 'challenge' | 'unauthorized' | 'read';

export interface Case {
  index: number;
  family: string;
  verdict: Verdict;
  method: string;
  path: string;
  headers: [string, string][];
  body: Uint8Array | null;
  /** accept, either, duplicate: the message id the hub de-duplicates on. */
  messageId?: string;
  /** challenge: the exact text the answer must be. */
  challenge?: string;
}

export function sendable(
  index: number,
  family: string,
  verdict: Verdict,
  method: string,
  path: string,
  headers: [string, string][],
  body: Uint8Array | null,
  extra: { messageId?: string; challenge?: string } = {},
): Case {
  return { index, family, verdict, method, path, headers, body, ...extra };
}

export function toRequest(origin: string, c: Case): Request {
  const headers = new Headers();
  for (const [name, value] of c.headers) headers.append(name, value);
  // A copy: the body of a Request is consumed, and a replay case may reuse these bytes.
  const body = c.body === null ? null : new Uint8Array(c.body);
  return new Request(`${origin}${c.path}`, { method: c.method, headers, body });
}

/** Null when the answer is what the verdict demands, else what was wrong. */
export function judge(c: Case, status: number, text: string): string | null {
  if (status >= 500) return `answered ${status}`;
  const ok = status >= 200 && status < 300;
  const client = status >= 400 && status < 500;
  switch (c.verdict) {
    case 'reject':
      return client ? null : `expected a 4xx, got ${status}`;
    case 'accept':
    case 'duplicate':
      return ok ? null : `expected a 2xx, got ${status}`;
    case 'either':
      return ok || client ? null : `expected a 2xx or 4xx, got ${status}`;
    case 'challenge':
      return status === 200 && text === c.challenge ? null : `expected 200 with the challenge, got ${status}`;
    case 'unauthorized':
      return status === 401 ? null : `expected 401, got ${status}`;
    case 'read':
      return null;
  }
}

/** A short line naming the case, for failure messages (no bodies: they can be a megabyte). */
export function describeCase(c: Case, problem: string): string {
  return `#${c.index} ${c.family} ${c.method} ${c.path.slice(0, 80)}: ${problem}`;
}
