/**
 * @module The real CLI as a child process (`node cli/bin.mjs`, what `npx conduit-worker` runs), with a given
 * environment instead of the caller's, and every run bounded: a CLI that hangs is killed and the test fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { withTimeout } from './wait.ts';

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** stdout so far. */
  readonly out: string;
  /** When stdout last received data (ms since the epoch), 0 before. */
  readonly lastOutputAt: number;
  done: Promise<CliResult>;
}

const BIN = resolve('cli/bin.mjs');

export function startCli(args: string[], env: Record<string, string>): RunningCli {
  // PATH and HOME only: tokens come from `env`, never from the developer's shell.
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let lastOutputAt = 0;
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    lastOutputAt = Date.now();
  });
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<CliResult>((resolveDone, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolveDone({ code, out: out.trimEnd(), err: err.trimEnd() }));
  });
  return {
    child,
    get out() {
      return out;
    },
    get lastOutputAt() {
      return lastOutputAt;
    },
    done,
  };
}

export async function runCliProcess(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<CliResult> {
  const run = startCli(args, env);
  try {
    return await withTimeout(`conduit-worker ${args.join(' ')}`, run.done, timeoutMs);
  } finally {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  }
}
