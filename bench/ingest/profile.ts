/**
 * @module `npm run bench -- --profile`: where workerd spends its time during a load run, from V8's sampling profiler
 * over the inspector protocol (Miniflare's `inspectorPort`), for every isolate of the instance. Samples are wall
 * time while the isolate's thread is busy (JS, or native work under a JS frame such as a SQLite call), attributed
 * to the bundle's source module via the `// path` section comments esbuild writes into the bundle.
 */
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import WebSocket from 'ws';
import { withTimeout } from '../../test/support/wait.ts';
import type { BuildResult } from './targets.ts';

const ROOT = resolve(import.meta.dirname, '../..');

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface IsolateProfile {
  isolate: string;
  busyMs: number;
  /** Self time by source module (or `(program)`, `(garbage collector)`, a runtime built-in), descending. */
  modules: [string, number][];
  /** Self time by function, descending. */
  functions: [string, number][];
}

/** Line (0-based) → module path, from esbuild's `// path` comments. */
function moduleIndex(bundle: BuildResult): (line: number) => string {
  const lines = readFileSync(join(bundle.dir, bundle.script), 'utf8').split('\n');
  const starts: [number, string][] = [];
  lines.forEach((l, i) => {
    const m = /^\/\/ (\S+\.[cm]?[jt]s)$/.exec(l);
    if (!m) return;
    const path = relative(ROOT, resolve(bundle.configDir, m[1] as string));
    // A dependency counts as one module: its package name.
    starts.push([i, path.replace(/^node_modules\/((?:@[^/]+\/)?[^/]+)\/.*$/, '$1')]);
  });
  return (line) => {
    let name = '(bundle)';
    for (const [start, path] of starts) {
      if (start > line) break;
      name = path;
    }
    return name;
  };
}

class Inspector {
  private next = 0;
  private readonly pending = new Map<number, (result: unknown) => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { id?: number; result?: unknown };
      if (m.id !== undefined) this.pending.get(m.id)?.(m.result);
    });
  }
  static async open(url: string): Promise<Inspector> {
    const ws = new WebSocket(url);
    await withTimeout(
      `inspector ${url}`,
      new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      }),
    );
    return new Inspector(ws);
  }
  send<T>(method: string, params: object = {}): Promise<T> {
    const id = ++this.next;
    const answer = new Promise<T>((resolve) => this.pending.set(id, resolve as (r: unknown) => void));
    this.ws.send(JSON.stringify({ id, method, params }));
    return withTimeout(`inspector ${method}`, answer, 30_000);
  }
  close(): void {
    this.ws.close();
  }
}

/** Profile every busy isolate of the instance whose inspector is at `inspector` while `during` runs. */
export async function profileDuring(
  inspector: URL,
  bundle: BuildResult,
  during: () => Promise<void>,
): Promise<IsolateProfile[]> {
  const list = (await (await fetch(`http://${inspector.host}/json/list`)).json()) as {
    title: string;
    webSocketDebuggerUrl: string;
  }[];
  const sessions = await Promise.all(
    list.map(async (t) => ({
      isolate: t.title.replace(/^workerd: worker /, ''),
      i: await Inspector.open(t.webSocketDebuggerUrl),
    })),
  );
  for (const { i } of sessions) {
    await i.send('Profiler.enable');
    await i.send('Profiler.setSamplingInterval', { interval: 200 });
    await i.send('Profiler.start');
  }
  await during();
  const moduleOf = moduleIndex(bundle);
  const out: IsolateProfile[] = [];
  for (const { isolate, i } of sessions) {
    const { profile } = await i.send<{ profile: Profile }>('Profiler.stop');
    i.close();
    const byNode = new Map<number, number>();
    profile.samples.forEach((id, k) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0)));
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const modules = new Map<string, number>();
    const functions = new Map<string, number>();
    let busy = 0;
    for (const [id, us] of byNode) {
      const f = nodes.get(id)?.callFrame;
      if (!f || f.functionName === '(idle)') continue;
      busy += us;
      const isBundle = f.url.endsWith(bundle.script);
      const mod = isBundle ? moduleOf(f.lineNumber) : f.url ? f.url.split('/').pop()! : f.functionName;
      modules.set(mod, (modules.get(mod) ?? 0) + us);
      const fn = `${f.functionName || '(anonymous)'} (${mod})`;
      functions.set(fn, (functions.get(fn) ?? 0) + us);
    }
    if (busy < 1_000) continue;
    const desc = (m: Map<string, number>) =>
      [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v / 1000] as [string, number]);
    out.push({ isolate, busyMs: busy / 1000, modules: desc(modules), functions: desc(functions) });
  }
  return out.sort((a, b) => b.busyMs - a.busyMs);
}
