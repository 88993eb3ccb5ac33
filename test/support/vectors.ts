/** @module The signature test vectors of twitch-eventsub.md §3.6, verbatim. */

export interface Vector {
  name: string;
  secret: string;
  messageId: string;
  timestamp: string;
  body: string;
  bodyLength: number;
  signature: string;
  challenge?: string;
}

export const VECTORS: Vector[] = [
  {
    name: 'A (notification)',
    secret: 'secretabcd',
    messageId: 'ae2ff348-e102-16be-a3eb-6830c1bf38d2',
    timestamp: '2021-02-19T23:47:00.8091512Z',
    body: '{"subscription":{"id":"ae2ff348-e102-16be-a3eb-6830c1bf38d2","status":"enabled","type":"channel.follow","version":"1","condition":{"broadcaster_user_id":"44429626"},"transport":{"method":"webhook","callback":"null"},"created_at":"2021-02-19T23:47:00.7621315Z"},"event":{"user_id":"28408015","user_login":"testFromUser","user_name":"testFromUser","broadcaster_user_id":"44429626","broadcaster_user_login":"44429626","broadcaster_user_name":"testBroadcaster"}}',
    bodyLength: 458,
    signature: 'sha256=d10f5bd9474b7ac7bd7105eb79c2d52768b4d0cd2a135982c3bf5a1d59a78823',
  },
  {
    name: 'B (subscription challenge)',
    secret: 'HELLOabc2321',
    messageId: '8d8fa82b-9792-79da-4e11-a6fa58a7a582',
    timestamp: '2022-02-06T04:03:24.2726598Z',
    body: '{"challenge":"11535768-497e-14ec-8197-ba2cb5341a01","subscription":{"id":"8d8fa82b-9792-79da-4e11-a6fa58a7a582","status":"webhook_callback_verification_pending","type":"channel.subscribe","version":"1","condition":{"broadcaster_user_id":"88525095"},"transport":{"method":"webhook","callback":"http://localhost:80/twitch/eventsub"},"created_at":"2022-02-06T04:03:24.2706497Z","cost":0}}',
    bodyLength: 385,
    signature: 'sha256=091f6a5c74fba820f2d50e9d0c5e7650556ee009375af2cc662e610e670bc412',
    challenge: '11535768-497e-14ec-8197-ba2cb5341a01',
  },
  {
    name: 'C (conduit notification)',
    secret: 's3cr3t-example-0123456789',
    messageId: '7f1e5c2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b',
    timestamp: '2024-06-01T12:00:00.123456789Z',
    body: '{"subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","status":"enabled","type":"channel.follow","version":"2","cost":0,"condition":{"broadcaster_user_id":"12826","moderator_user_id":"12826"},"transport":{"method":"conduit","conduit_id":"bfcfc993-26b1-b876-44d9-afe75a379dac"},"created_at":"2024-06-01T11:59:00.000000000Z"},"event":{"user_id":"1337","user_login":"awesome_user","user_name":"Awesome_User","broadcaster_user_id":"12826","broadcaster_user_login":"twitch","broadcaster_user_name":"Twitch","followed_at":"2024-06-01T11:59:59.999999999Z"}}',
    bodyLength: 557,
    signature: 'sha256=961b0edc87bb4f55020e983dd2361f6f4d442ec049a3f678b3dd665f6459d02b',
  },
  {
    name: 'D (conduit shard challenge)',
    secret: 's3cr3t-example-0123456789',
    messageId: '3b0a9c3e-7d59-4c55-9a5a-2f6a3c1d0e99',
    timestamp: '2024-06-01T12:00:05.000000001Z',
    body: '{"challenge":"pogchamp-kappa-360noscope-vohiyo","conduit_shard":{"conduit_id":"bfcfc993-26b1-b876-44d9-afe75a379dac","shard":"0"}}',
    bodyLength: 130,
    signature: 'sha256=49d43e5b5e5d66fa07bc7f29e35649798840c9168d0092d4b9928213693d9dcf',
    challenge: 'pogchamp-kappa-360noscope-vohiyo',
  },
];
