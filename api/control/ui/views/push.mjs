// The push notifications the emulator handed to "Pinpoint" (GET /_chime-local/push-notifications),
// newest first: who a message would notify on which device, with what (docs/push-notifications.md).
import { api, h, json, table, time } from '../lib.mjs';

export const id = 'push';
export const title = 'Push notifications';

export async function render(el) {
  el.append(h('h2', {}, 'Push notifications'),
    h('p', {}, h('button', { type: 'button', onclick: async () => { await api('push-notifications', { method: 'DELETE' }); el.dispatchEvent(new Event('inspector-refresh', { bubbles: true })); } }, 'Clear push notifications')));
  const { PushNotifications: list } = await api('push-notifications');
  el.append(table('Notifications, newest first', [
    { title: 'Time', cell: (n) => time(n.Time) },
    { title: 'Recipient', class: 'arn', cell: (n) => n.AppInstanceUserArn },
    { title: 'Device', cell: (n) => `${n.Endpoint?.Type ?? ''} ${n.Endpoint?.EndpointId ?? ''}` },
    { title: 'Title', cell: (n) => n.Title ?? '' },
    { title: 'Body', cell: (n) => n.Body ?? '' },
    { title: 'Channel', class: 'arn', cell: (n) => n.ChannelArn },
    { title: 'Notification', cell: (n) => json(n.MessageId, n) },
  ], list, 'none (a message with PushNotification notifies the members with a registered endpoint).'));
}
