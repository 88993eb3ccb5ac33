/**
 * @module Workers-project global setup: start the Twitch simulator as its own Node process on a free port (it is a
 * real HTTP + WebSocket server, like Twitch), and hand the port to the Worker's bindings through `provide`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { TEST_BINDINGS } from '../../vitest.config.ts';
import { startChallengeResponder } from '../support/challenge-responder.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    simPort: number;
    responderPort: number;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'sim/cli.ts', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator did not start within 20 s: ${stderr}`)), 20_000);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code}: ${stderr}`));
    });
  });
  project.provide('simPort', port);
  const responder = await startChallengeResponder(TEST_BINDINGS.EVENTSUB_SECRET);
  project.provide('responderPort', responder.port);
  return async () => {
    await responder.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
}
