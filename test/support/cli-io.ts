/**
 * @module An in-memory `Io` for running the CLI's `main` in-process: captured stdout/stderr, a given environment, a
 * stub or real fetch, and a scripted Ctrl-C. Also a fetch stub that records requests and answers from a table.
 */
import type { FetchFn } from '../../cli/api.ts';
import type { Io } from '../../cli/commands/types.ts';
import { main } from '../../cli/main.ts';

export interface MemoryIo extends Io {
  out: string[];
  err: string[];
  /** Fires the Ctrl-C handlers registered so far. */
  interrupt(): void;
}

export function memoryIo(env: Record<string, string | undefined> = {}, fetchFn: FetchFn = fetch): MemoryIo {
  const handlers = new Set<() => void>();
  const io: MemoryIo = {
    out: [],
    err: [],
    env,
    fetch: fetchFn,
    stdout: (text) => void io.out.push(text),
    stderr: (text) => void io.err.push(text),
    onInterrupt(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
    interrupt: () => [...handlers].forEach((h) => h()),
  };
  return io;
}

export interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export type Answer = { status: number; body: unknown } | { status: number; text: string };

/** A fetch that records every request and answers `route(method, path)`; unknown routes answer 404 JSON. */
export function stubFetch(route: (method: string, path: string) => Answer | undefined): {
  fetch: FetchFn;
  calls: Recorded[];
} {
  const calls: Recorded[] = [];
  const fetchFn: FetchFn = async (input, init) => {
    const url = new URL(input);
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    calls.push({ method: init.method ?? 'GET', url: input, headers, body });
    const answer = route(init.method ?? 'GET', `${url.pathname}${url.search}`) ?? {
      status: 404,
      body: { error: 'not found' },
    };
    const text = 'text' in answer ? answer.text : JSON.stringify(answer.body);
    return new Response(text, { status: answer.status, headers: { 'Content-Type': 'application/json' } });
  };
  return { fetch: fetchFn, calls };
}

export const TEST_ENV = {
  CONDUIT_WORKER_URL: 'http://127.0.0.1:9',
  ADMIN_TOKEN: 'cli-admin-token-0123456789',
  CONSUMER_TOKEN: 'cli-consumer-token-0123456789',
};

/** Runs the CLI in-process; resolves to the exit status with what it printed. */
export async function runCli(argv: string[], io: MemoryIo): Promise<{ code: number; out: string; err: string }> {
  const code = await main(argv, io);
  return { code, out: io.out.join('\n'), err: io.err.join('\n') };
}
