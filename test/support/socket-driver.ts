/**
 * @module Drives the pure shard machine (src/core/socket-machine.ts) on a fake clock: feeds inputs, keeps every
 * effect, and tracks the alarm the way the DO would, so tests read as the conversation with Twitch.
 */
import { initialState, step } from '../../src/core/socket-machine.ts';
import type {
  Effect,
  Input,
  Persisted,
  SocketConfig,
  SocketId,
  SocketState,
} from '../../src/core/socket-machine-types.ts';
import { welcomeText } from './eventsub-ws-frames.ts';

export const BASE_URL = 'wss://eventsub.test/ws';
export const T0 = Date.UTC(2026, 0, 1);

export type EffectOf<T extends Effect['type']> = Extract<Effect, { type: T }>;

export function only<T extends Effect['type']>(effects: readonly Effect[], type: T): EffectOf<T>[] {
  return effects.filter((e): e is EffectOf<T> => e.type === type);
}

export class Driver {
  state: SocketState;
  now: number;
  /** The alarm the DO would have armed (null: none). */
  alarm: number | null = null;
  readonly history: Effect[] = [];

  constructor(
    config: Partial<SocketConfig> = {},
    persisted?: Partial<Persisted>,
    public random: () => number = () => 0.5,
    now = T0,
  ) {
    this.state = initialState({ baseUrl: BASE_URL, endpoint: 'ws-main', ...config }, persisted);
    this.now = now;
  }

  send(input: Input): Effect[] {
    const { state, effects } = step(this.state, input, this.now, this.random);
    this.state = state;
    this.history.push(...effects);
    for (const e of effects) {
      if (e.type === 'setAlarm') this.alarm = e.at;
      if (e.type === 'clearAlarm') this.alarm = null;
    }
    return effects;
  }

  /** Move the clock and tick, as the in-memory timer or the alarm would. */
  advance(ms: number): Effect[] {
    this.now += ms;
    return this.send({ type: 'tick' });
  }

  /** Run the alarm: the clock jumps to it and it is consumed before the tick, as on the platform. */
  fireAlarm(): Effect[] {
    if (this.alarm === null) throw new Error('no alarm armed');
    this.now = Math.max(this.now, this.alarm);
    this.alarm = null;
    return this.send({ type: 'tick', alarm: true });
  }

  frame(socket: SocketId, text: string): Effect[] {
    return this.send({ type: 'frame', socket, text });
  }

  /** The socket of the single `open` effect in `effects`. */
  static opened(effects: readonly Effect[]): EffectOf<'open'> {
    const opens = only(effects, 'open');
    if (opens.length !== 1) throw new Error(`expected one open effect, got ${opens.length}`);
    return opens[0] as EffectOf<'open'>;
  }

  /** start → open → opened → welcome → assigned; returns the socket. */
  connect(sessionId: string): SocketId {
    const { socket } = Driver.opened(this.send({ type: 'start' }));
    this.send({ type: 'opened', socket });
    this.frame(socket, welcomeText(sessionId));
    this.send({ type: 'assigned', sessionId });
    return socket;
  }
}
