/**
 * @module Global setup of the fault-injection runs (`npm run test:chaos`): the Workers project's own setup (the
 * simulator as a process, its port provided to the bindings), plus the webhook relay that stands in for the
 * Worker's public URL, so webhook shards reach the real route (test/support/webhook-relay.ts).
 */
import type { TestProject } from 'vitest/node';
import workersSetup from '../workers/global-setup.ts';
import { startWebhookRelay } from '../support/webhook-relay.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    relayPort: number;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const teardown = await workersSetup(project);
  const relay = await startWebhookRelay();
  project.provide('relayPort', relay.port);
  return async () => {
    await relay.close();
    await teardown();
  };
}
