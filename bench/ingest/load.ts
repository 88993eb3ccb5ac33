/**
 * @module One load run against one target (autocannon 9): every request built by `setupRequest` with its own id,
 * timestamp and signature (payloads.ts), the target server's CPU time read before and after from /proc, and
 * latency kept per response at autocannon's hrtime resolution (its own histogram rounds to whole milliseconds,
 * too coarse for sub-millisecond medians).
 */
import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';
import { createSigner } from './payloads.ts';
import { cpuMs } from './proc.ts';
import type { Target } from './targets.ts';

export interface LoadOptions {
  connections: number;
  durationS: number;
  /** Requests per second over all connections (autocannon `overallRate`); 0: as fast as the server answers. */
  rate: number;
}

export interface RunResult {
  target: Target['name'];
  requests: number;
  ok: number;
  /** Anything but the target's success status, plus socket errors and timeouts. */
  failed: number;
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU (user + system) per successful request, microseconds. */
  cpuUsPerEvent: number;
  /** The load generator's own CPU use over the run, in cores (1 = one core busy). */
  generatorCores: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export async function runLoad(target: Target, secret: string, opts: LoadOptions): Promise<RunResult> {
  const signer = createSigner(secret);
  const latencies: number[] = [];
  let ok = 0;
  let other = 0;
  const cpuBefore = cpuMs(target.pid);
  const selfBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: 'POST',
        connections: opts.connections,
        duration: opts.durationS,
        ...(opts.rate > 0 ? { overallRate: opts.rate } : {}),
        requests: [
          {
            setupRequest: (req) => {
              const signed = signer.next();
              return { ...req, method: 'POST', headers: signed.headers, body: signed.body };
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    // autocannon emits (client, status, bytes, ms); its typings omit the client, so listen as a plain emitter.
    (instance as unknown as EventEmitter).on(
      'response',
      (_client: unknown, status: number, _bytes: number, ms: number) => {
        if (status === target.okStatus) {
          ok++;
          latencies.push(ms);
        } else other++;
      },
    );
  });
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = cpuMs(target.pid);
  const self = process.cpuUsage(selfBefore);
  const sorted = Float64Array.from(latencies).sort();
  return {
    target: target.name,
    requests: ok + other + result.errors + result.timeouts,
    ok,
    failed: other + result.errors + result.timeouts,
    rps: ok / opts.durationS,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    cpuUsPerEvent: ok > 0 ? ((cpuAfter - cpuBefore) * 1000) / ok : NaN,
    generatorCores: (self.user + self.system) / 1e6 / elapsedS,
  };
}
