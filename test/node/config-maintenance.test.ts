/** MAINTENANCE_LEAD_SECONDS (design.md §6: the lead time is configurable, default 5 minutes), reported by name. */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.ts';

const valid = {
  TWITCH_CLIENT_ID: 'client',
  TWITCH_CLIENT_SECRET: 'client-secret',
  EVENTSUB_SECRET: 'master-secret-0123456789',
  ADMIN_TOKEN: 'admin-token-0123456789',
  PUBLIC_URL: 'https://conduit.example.com/',
  CONDUIT_ID: 'auto',
};

describe('MAINTENANCE_LEAD_SECONDS', () => {
  it('defaults to 300 and takes a var as text or number', () => {
    expect(parseConfig(valid).MAINTENANCE_LEAD_SECONDS).toBe(300);
    expect(parseConfig({ ...valid, MAINTENANCE_LEAD_SECONDS: '900' }).MAINTENANCE_LEAD_SECONDS).toBe(900);
    expect(parseConfig({ ...valid, MAINTENANCE_LEAD_SECONDS: 0 }).MAINTENANCE_LEAD_SECONDS).toBe(0);
  });

  it('refuses anything but an integer from 0 to 86400, by name', () => {
    for (const bad of ['-1', '86401', '5m', '1.5']) {
      expect(() => parseConfig({ ...valid, MAINTENANCE_LEAD_SECONDS: bad })).toThrow(ConfigError);
      try {
        parseConfig({ ...valid, MAINTENANCE_LEAD_SECONDS: bad });
      } catch (err) {
        expect((err as ConfigError).problems).toEqual(['MAINTENANCE_LEAD_SECONDS must be an integer from 0 to 86400']);
      }
    }
  });
});
