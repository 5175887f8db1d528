// Helpers for tests of the messaging session (the WebSocket of amazon-chime-sdk-js).
//
// Under Node 20 the unmodified SDK needs a global WebSocket (the `ws` package) and a global
// CloseEvent (Node has none). The emulator serves wss:// with a certificate from its own local
// CA (named on its second stdout line, startChimeLocal's caPem); trustCa() makes the global WebSocket trust it, as
// NODE_EXTRA_CA_CERTS would for a whole process.
import { readFileSync } from 'node:fs';
import WS from 'ws';
import {
  ConsoleLogger, DefaultMessagingSession, LogLevel, MessagingSessionConfiguration, PrefetchOn,
} from 'amazon-chime-sdk-js';
import { ChimeSDKMessagingClient } from '@aws-sdk/client-chime-sdk-messaging';
import { clientConfig } from './harness.mjs';

let trusted = [];
export function trustCa(caPath) { trusted.push(readFileSync(caPath)); }

class TrustingWebSocket extends WS {
  constructor(url, protocols) { super(url, protocols, { ca: trusted.length ? trusted : undefined }); }
}
globalThis.WebSocket = TrustingWebSocket;
globalThis.CloseEvent ??= class CloseEvent extends Event {
  constructor(type, init = {}) {
    super(type);
    this.code = init.code ?? 0;
    this.reason = init.reason ?? '';
    this.wasClean = init.wasClean ?? false;
  }
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A DefaultMessagingSession for `userArn` against `endpoint`, recording what its observer sees.
 * { session, client, messages, events, waitFor(pred, ms), start(ms), stop() }
 */
export function openSession(endpoint, userArn, { prefetch = false, sortBy } = {}) {
  const client = new ChimeSDKMessagingClient({ ...clientConfig(endpoint), maxAttempts: 3 });
  const config = new MessagingSessionConfiguration(userArn, null, undefined, client);
  if (prefetch) config.prefetchOn = PrefetchOn.Connect;
  if (sortBy) config.prefetchSortBy = sortBy;
  const session = new DefaultMessagingSession(config, new ConsoleLogger('test', LogLevel.OFF));
  const messages = [];
  const events = [];
  session.addObserver({
    messagingSessionDidStart: () => events.push({ kind: 'start' }),
    messagingSessionDidStartConnecting: (reconnecting) => events.push({ kind: 'connecting', reconnecting }),
    messagingSessionDidStop: (e) => events.push({ kind: 'stop', code: e.code }),
    messagingSessionDidReceiveMessage: (m) => messages.push(m),
  });
  const waitFor = async (pred, ms = 5000, what = 'a matching message') => {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = messages.find(pred);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(messages.map((m) => m.type))}`);
      }
      await sleep(10);
    }
  };
  const waitEvent = async (pred, ms = 5000, what = 'an observer event') => {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = events.find(pred);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(events)}`);
      await sleep(10);
    }
  };
  // start() may never settle when the SDK retries (it swaps the promise's callbacks), so race it.
  const start = (ms = 8000) => Promise.race([
    session.start(),
    sleep(ms).then(() => { throw new Error('session.start() did not settle'); }),
  ]);
  const stop = () => { session.stop(); client.destroy(); };
  return { session, client, messages, events, waitFor, waitEvent, start, stop };
}

export const ofType = (type, pred = () => true) => (m) => m.type === type && pred(m.payload ? JSON.parse(m.payload) : null, m);
