/**
 * @module Real-browser harness for the dashboard tests: Debian's chromium driven by playwright-core. `npx playwright
 * install` downloads browser builds, which this project's machines cannot fetch, so the setup installs the Debian
 * package instead (skipped when `/usr/bin/chromium` is there; `.ci/run` installs it up front).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`${CHROMIUM} is missing; install it as root: apt-get update && apt-get install -y chromium`);
  }
  const opts = {
    stdio: 'inherit' as const,
    timeout: 600_000,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  };
  execFileSync('apt-get', ['update'], opts);
  execFileSync('apt-get', ['install', '-y', 'chromium'], opts);
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is still missing`);
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh profile each time (`--user-data-dir`), nothing reaching beyond 127.0.0.1. */
export async function launchBrowser(viewport = { width: 1440, height: 1000 }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'conduit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    timeout: 60_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
