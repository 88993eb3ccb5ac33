/** `parseFrame`: EventSub WebSocket text frames to domain frames, tolerant of additions, never throwing. */
import { describe, expect, it } from 'vitest';
import { parseFrame } from '../../src/core/eventsub-ws.wire.ts';
import {
  keepaliveText,
  notificationText,
  reconnectText,
  revocationText,
  welcomeText,
} from '../support/eventsub-ws-frames.ts';

/** The welcome from twitch-eventsub.md §6.3, verbatim (nanosecond timestamps, `recovery_url`). */
const DOC_WELCOME =
  '{"metadata":{"message_id":"96a3f3b5-5dec-4eed-908e-e11ee657416c","message_type":"session_welcome","message_timestamp":"2023-07-19T14:56:51.634234626Z"},' +
  '"payload":{"session":{"id":"AQoQILE98gtqShGmLD7AM6yJThAB","status":"connected","connected_at":"2023-07-19T14:56:51.616329898Z","keepalive_timeout_seconds":10,"reconnect_url":null,"recovery_url":null}}}';

const frame = (metadata: Record<string, unknown>, payload: unknown = {}): string =>
  JSON.stringify({
    metadata: { message_id: 'm-1', message_timestamp: '2023-07-19T14:56:51.634234626Z', ...metadata },
    payload,
  });

describe('parseFrame', () => {
  it('reads the documented welcome', () => {
    expect(parseFrame(DOC_WELCOME)).toEqual({
      kind: 'welcome',
      meta: { messageId: '96a3f3b5-5dec-4eed-908e-e11ee657416c', sentAt: '2023-07-19T14:56:51.634234626Z' },
      session: {
        id: 'AQoQILE98gtqShGmLD7AM6yJThAB',
        status: 'connected',
        keepaliveTimeoutSeconds: 10,
        reconnectUrl: null,
        connectedAt: '2023-07-19T14:56:51.616329898Z',
      },
    });
  });

  it('reads keepalive and session_reconnect (null keepalive, reconnect_url kept unchanged)', () => {
    expect(parseFrame(keepaliveText())).toMatchObject({ kind: 'keepalive' });
    const url = 'wss://cell-a.eventsub.wss.twitch.tv/ws?challenge=abc&id=S1';
    expect(parseFrame(reconnectText('S1', url))).toMatchObject({
      kind: 'reconnect',
      session: { id: 'S1', status: 'reconnecting', keepaliveTimeoutSeconds: null, reconnectUrl: url },
    });
  });

  it('reads a notification with its routing key and the payload re-serialized', () => {
    const text = notificationText({ messageId: 'n-1', broadcaster: '777', subscriptionId: 'sub-9' });
    const f = parseFrame(text);
    expect(f).toMatchObject({
      kind: 'notification',
      meta: { messageId: 'n-1' },
      subscriptionType: 'channel.follow',
      subscriptionVersion: '2',
      subscriptionId: 'sub-9',
      routingKey: '777',
    });
    if (f.kind !== 'notification') throw new Error('not a notification');
    expect(JSON.parse(f.payload)).toEqual(JSON.parse(text).payload);
  });

  it('reads a revocation (no event) keyed on the condition broadcaster', () => {
    expect(parseFrame(revocationText({ broadcaster: '55', subscriptionId: 'sub-2' }))).toMatchObject({
      kind: 'revocation',
      subscriptionId: 'sub-2',
      routingKey: '55',
    });
  });

  it('tolerates unknown fields, unknown status values and an unknown message type', () => {
    const welcome = JSON.parse(welcomeText('S1')) as { metadata: object; payload: { session: object } };
    const extended = {
      metadata: { ...welcome.metadata, shiny_new_field: 1 },
      payload: { session: { ...welcome.payload.session, status: 'brand_new_status', extra: { a: 1 } } },
      top_level_extra: true,
    };
    expect(parseFrame(JSON.stringify(extended))).toMatchObject({
      kind: 'welcome',
      session: { status: 'brand_new_status' },
    });
    expect(parseFrame(frame({ message_type: 'session_teleport' }))).toMatchObject({
      kind: 'other',
      messageType: 'session_teleport',
    });
  });

  it('accepts 0 to 9 fractional digits and an offset', () => {
    for (const ts of ['2023-07-19T14:56:51Z', '2023-07-19T14:56:51.6Z', '2023-07-19T14:56:51.123456789+02:00']) {
      expect(parseFrame(frame({ message_type: 'session_keepalive', message_timestamp: ts })).kind).toBe('keepalive');
    }
  });

  it('falls back to the payload subscription for type and version missing from the metadata', () => {
    const n = JSON.parse(notificationText({ type: 'channel.raid', version: '1' })) as {
      metadata: Record<string, unknown>;
      payload: unknown;
    };
    delete n.metadata.subscription_type;
    delete n.metadata.subscription_version;
    expect(parseFrame(JSON.stringify(n))).toMatchObject({ subscriptionType: 'channel.raid', subscriptionVersion: '1' });
  });

  const invalid: [string, string, RegExp][] = [
    ['not JSON', '{"metadata":', /not JSON/],
    ['an array', '[]', /frame/],
    ['no metadata', JSON.stringify({ payload: {} }), /metadata/],
    ['an empty message id', frame({ message_id: '', message_type: 'session_keepalive' }), /message_id/],
    ['a bad timestamp', frame({ message_type: 'session_keepalive', message_timestamp: 'yesterday' }), /timestamp/],
    [
      'ten fractional digits',
      frame({ message_type: 'session_keepalive', message_timestamp: '2023-07-19T14:56:51.1234567890Z' }),
      /timestamp/,
    ],
    [
      'a welcome without session id',
      frame({ message_type: 'session_welcome' }, { session: { status: 'connected' } }),
      /session\.id/,
    ],
    [
      'a reconnect without a ws URL',
      frame(
        { message_type: 'session_reconnect' },
        { session: { id: 'S', status: 'reconnecting', reconnect_url: 'https://x' } },
      ),
      /reconnect_url/,
    ],
    ['a notification without subscription', frame({ message_type: 'notification' }, { event: {} }), /subscription/],
    [
      'a notification without event',
      frame({ message_type: 'notification' }, JSON.parse(revocationText()).payload),
      /event/,
    ],
  ];
  it.each(invalid)('reports %s as invalid with a reason, without throwing', (_name, text, reason) => {
    const f = parseFrame(text);
    expect(f.kind).toBe('invalid');
    if (f.kind === 'invalid') expect(f.reason).toMatch(reason);
  });

  it('never puts payload values in the reason', () => {
    const f = parseFrame(frame({ message_type: 'session_welcome' }, { session: { id: 42, status: 'secret-ish' } }));
    expect(f.kind).toBe('invalid');
    if (f.kind === 'invalid') expect(f.reason).not.toContain('secret-ish');
  });
});
