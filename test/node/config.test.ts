/** Configuration parsing (design.md §4): a missing or malformed setting is reported by name, never by value. */
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

function problems(env: Record<string, unknown>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('accepts a valid environment and fills in Twitch defaults', () => {
    const c = parseConfig(valid);
    expect(c.PUBLIC_URL).toBe('https://conduit.example.com');
    expect(c.TWITCH_API_BASE).toBe('https://api.twitch.tv/helix');
    expect(c.TWITCH_AUTH_BASE).toBe('https://id.twitch.tv/oauth2');
    expect(c.TWITCH_EVENTSUB_WS_URL).toBe('wss://eventsub.wss.twitch.tv/ws');
    expect(c.CONSUMER_TOKEN).toBeUndefined();
  });

  it('names each missing required setting', () => {
    for (const key of Object.keys(valid)) {
      const env: Record<string, unknown> = { ...valid };
      delete env[key];
      expect(problems(env)).toEqual([`${key} is missing`]);
    }
  });

  it('treats blank values as missing', () => {
    expect(problems({ ...valid, ADMIN_TOKEN: '' })).toEqual(['ADMIN_TOKEN is missing']);
  });

  it('names malformed settings without echoing their values', () => {
    const env = {
      ...valid,
      EVENTSUB_SECRET: 'short-secret',
      PUBLIC_URL: 'not a url',
      TWITCH_EVENTSUB_WS_URL: 'https://wrong.scheme/ws',
      CONDUIT_ID: 'has spaces in it',
    };
    const found = problems(env);
    expect(found).toHaveLength(4);
    expect(found.find((p) => p.startsWith('EVENTSUB_SECRET'))).toMatch(/at least 16/);
    expect(found.find((p) => p.startsWith('PUBLIC_URL'))).toMatch(/http or https URL/);
    expect(found.find((p) => p.startsWith('TWITCH_EVENTSUB_WS_URL'))).toMatch(/ws or wss URL/);
    expect(found.find((p) => p.startsWith('CONDUIT_ID'))).toMatch(/"auto" or a conduit id/);
    expect(found.join(' ')).not.toContain('short-secret');
  });

  it('accepts a concrete conduit id and the optional secrets', () => {
    const c = parseConfig({
      ...valid,
      CONDUIT_ID: 'bfcfc993-26b1-b876-44d9-afe75a379dac',
      EVENTSUB_SECRET_PREVIOUS: 'previous-master-secret-0123',
      CONSUMER_TOKEN: 'consumer-token-0123456789',
    });
    expect(c.CONDUIT_ID).toBe('bfcfc993-26b1-b876-44d9-afe75a379dac');
    expect(c.EVENTSUB_SECRET_PREVIOUS).toBe('previous-master-secret-0123');
  });

  it('spreads events over 8 hubs unless HUB_COUNT says otherwise, from 1 to 256', () => {
    expect(parseConfig(valid).HUB_COUNT).toBe(8);
    expect(parseConfig({ ...valid, HUB_COUNT: '1' }).HUB_COUNT).toBe(1);
    expect(parseConfig({ ...valid, HUB_COUNT: '256' }).HUB_COUNT).toBe(256);
    expect(parseConfig({ ...valid, HUB_COUNT: 16 }).HUB_COUNT).toBe(16);
    for (const bad of ['0', '257', '-1', '2.5', '1e2', ' 8', 'eight']) {
      expect(problems({ ...valid, HUB_COUNT: bad }), bad).toEqual(['HUB_COUNT must be an integer from 1 to 256']);
    }
  });

  it('reads FORWARD_URLS as a comma-separated list of http(s) URLs, with FORWARD_SECRET', () => {
    const c = parseConfig({
      ...valid,
      FORWARD_URLS: ' https://a.example/hook , http://127.0.0.1:9000/in,',
      FORWARD_SECRET: 'forward-secret-0123456789',
    });
    expect(c.FORWARD_URLS).toEqual(['https://a.example/hook', 'http://127.0.0.1:9000/in']);
    expect(c.FORWARD_SECRET).toBe('forward-secret-0123456789');
    expect(parseConfig(valid).FORWARD_URLS).toBeUndefined();
  });

  it('names a bad forward URL and a short FORWARD_SECRET without echoing them', () => {
    const found = problems({
      ...valid,
      FORWARD_URLS: 'https://ok.example,ftp://nope.example',
      FORWARD_SECRET: 'short',
    });
    expect(found).toEqual([
      'FORWARD_URLS must be a http or https URL',
      'FORWARD_SECRET must be at least 16 characters',
    ]);
    expect(found.join(' ')).not.toContain('nope.example');
    expect(found.join(' ')).not.toContain('short');
  });

  it('requires FORWARD_SECRET when FORWARD_URLS is set, and says so by name', () => {
    expect(problems({ ...valid, FORWARD_URLS: 'https://a.example/hook' })).toEqual([
      'FORWARD_SECRET is required when FORWARD_URLS is set',
    ]);
    expect(parseConfig({ ...valid, FORWARD_SECRET: 'forward-secret-0123456789' }).FORWARD_URLS).toBeUndefined();
  });
});
