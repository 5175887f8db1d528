// Who is connected to the messaging session, and what they receive.
import { api, h, table } from '../lib.mjs';

export const id = 'sessions';
export const title = 'Sessions';

export async function render(el) {
  const { sessions } = await api('sessions');
  el.append(h('h2', {}, 'Messaging sessions'));
  el.append(table('Connected sessions', [
    { title: 'User', class: 'arn', cell: (s) => s.userArn },
    { title: 'Session', class: 'arn', cell: (s) => s.sessionId },
    { title: 'Queued frames', cell: (s) => String(s.queuedFrames) },
    { title: 'Channels it receives', cell: (s) => s.channels.map((c) => c.Name).join(', ') },
  ], sessions, 'none connected (GetMessagingSessionEndpoint, then a WebSocket to /connect).'));
}
