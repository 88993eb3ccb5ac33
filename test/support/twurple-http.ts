/**
 * @module Hosts twurple's `EventSubHttpListener` (8.1.4) on 127.0.0.1 with an ephemeral port, in unmanaged mode.
 * twurple's own adapters do not fit: `DirectConnectionAdapter` needs a TLS certificate, and `ReverseProxyAdapter`
 * leads httpanda to call `server.listen(port)` on every interface. A custom `ConnectionAdapter` (the documented
 * extension point) pins the host. Unmanaged mode (`managed: false`) keeps twurple from creating subscriptions
 * itself, because it would build an `https://` callback (EventSubHttpBase.js `_buildHookUrl`); the tests create
 * them with an `http://` callback instead, pointing at twurple's route `/event/<twurple subscription id>`.
 */
import { createServer, type Server } from 'node:http';
import { ConnectionAdapter, EventSubHttpListener } from '@twurple/eventsub-http';
import { waitFor } from './wait.ts';

export class LoopbackAdapter extends ConnectionAdapter {
  readonly server: Server = createServer();

  constructor() {
    super();
    const listen = this.server.listen.bind(this.server);
    // httpanda's Server.listen passes (port, callback); the callback gets no error argument on success.
    this.server.listen = ((port: number, cb?: () => void) => listen(port, '127.0.0.1', cb)) as Server['listen'];
  }

  override createHttpServer(): Server {
    return this.server;
  }

  override get listenerPort(): number {
    return 0;
  }

  override async getHostName(): Promise<string> {
    return `127.0.0.1:${this.port}`;
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
}

export interface TwurpleHttp {
  listener: EventSubHttpListener;
  adapter: LoopbackAdapter;
  stop(): Promise<void>;
}

export async function startTwurpleHttp(secret: string): Promise<TwurpleHttp> {
  const adapter = new LoopbackAdapter();
  const listener = new EventSubHttpListener({ adapter, secret, managed: false, logger: { minLevel: 'critical' } });
  listener.start();
  await waitFor('twurple listener to bind', () => adapter.server.listening && adapter.port > 0);
  return {
    listener,
    adapter,
    stop: async () => {
      adapter.server.closeAllConnections();
      await new Promise<void>((resolve) => adapter.server.close(() => resolve()));
    },
  };
}
