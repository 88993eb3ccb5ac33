/**
 * The dashboard's generated bundle (src/dashboard/assets.gen.ts) is what its sources build to, and the page it holds
 * keeps to the CSP: no inline script, style or event handler; every asset it names and every module import exists.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDashboard, GENERATED } from '../../scripts/build-dashboard.ts';
import { DASHBOARD_ASSETS, DASHBOARD_HTML } from '../../src/dashboard/assets.gen.ts';

describe('dashboard assets', () => {
  it('are up to date with src/dashboard (run `npm run dashboard` after editing it)', async () => {
    expect(readFileSync(GENERATED, 'utf8')).toBe(await buildDashboard());
  });

  it('have no inline script, style attribute or inline event handler in the page', () => {
    expect(DASHBOARD_HTML).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(DASHBOARD_HTML).not.toMatch(/\sstyle=/);
    expect(DASHBOARD_HTML).not.toMatch(/<style/);
    expect(DASHBOARD_HTML).not.toMatch(/\son[a-z]+=/i);
  });

  it('name only assets that exist', () => {
    const named = [...DASHBOARD_HTML.matchAll(/(?:src|href)="\/admin\/assets\/([^"]+)"/g)].map((m) => m[1]!);
    expect(named.sort()).toEqual(['main.js', 'style.css']);
    for (const name of named) expect(DASHBOARD_ASSETS[name]).toBeDefined();
  });

  it('import only modules that are served, by their .js names', () => {
    for (const [name, asset] of Object.entries(DASHBOARD_ASSETS)) {
      if (!name.endsWith('.js')) continue;
      const imports = [...asset.body.matchAll(/from\s+["']([^"']+)["']/g)].map((m) => m[1]!);
      for (const spec of imports) {
        expect(spec, `${name} imports ${spec}`).toMatch(/^\.\/[a-z-]+\.js$/);
        expect(DASHBOARD_ASSETS[spec.slice(2)], `${name} imports ${spec}`).toBeDefined();
      }
      expect(asset.body).not.toMatch(/innerHTML|eval\(|new Function/);
    }
  });
});
