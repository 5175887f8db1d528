// The EventBridge events the emulator emitted (GET /_chime-local/eventbridge-events),
// in EventBridge's envelope, newest first: what an alerting rule would see.
import { api, h, json, table, time } from '../lib.mjs';

export const id = 'eventbridge';
export const title = 'EventBridge';

export async function render(el) {
  el.append(h('h2', {}, 'EventBridge events'),
    h('p', {}, h('button', { type: 'button', onclick: async () => { await api('eventbridge-events', { method: 'DELETE' }); el.dispatchEvent(new Event('inspector-refresh', { bubbles: true })); } }, 'Clear EventBridge events')));
  const { events } = await api('eventbridge-events');
  el.append(table('Events, newest first', [
    { title: 'Time', cell: (e) => time(e.time) },
    { title: 'Detail type', cell: (e) => e['detail-type'] },
    { title: 'Event type', cell: (e) => e.detail?.eventType ?? '' },
    { title: 'Channel', class: 'arn', cell: (e) => e.detail?.channelArn ?? e.detail?.resourceArn ?? '' },
    { title: 'Reason', cell: (e) => e.detail?.failureReason ?? '' },
    { title: 'Event', cell: (e) => json(e.id, e) },
  ], events, 'none (a channel-flow processor that fails or times out emits one).'));
}
