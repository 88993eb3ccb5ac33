/**
 * @module Server CPU accounting from the kernel (issue #8: "server CPU time per event from the server process's own
 * CPU accounting"): utime + stime of a process, all threads included, from /proc/<pid>/stat (proc(5), fields 14 and
 * 15, in clock ticks of 10 ms on Linux), and finding the workerd process a Miniflare instance spawned.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: Linux reports 100 to user space on every architecture (proc(5), sysconf(_SC_CLK_TCK)). */
const TICK_MS = 10;

interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  cpuMs: number;
}

function stat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // comm is in parentheses and may hold spaces: split after the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state): field n is rest[n - 3].
  return { pid, comm, ppid: Number(rest[1]), cpuMs: (Number(rest[11]) + Number(rest[12])) * TICK_MS };
}

/** CPU milliseconds (user + system) the process has used so far. */
export function cpuMs(pid: number): number {
  const s = stat(pid);
  if (!s) throw new Error(`process ${pid} is gone`);
  return s.cpuMs;
}

/** Direct children of `parent` whose command name is `comm`. */
export function childrenNamed(parent: number, comm: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s && s.ppid === parent && s.comm === comm) out.push(s.pid);
  }
  return out;
}
