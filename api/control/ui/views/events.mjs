// A live tail of the messaging events (GET /_chime-local/events): what the
// messaging sessions received or would have received, newest first,
// filterable by channel and by member.
import { api, h, json, onSubmit, table, time } from '../lib.mjs';

export const id = 'events';
export const title = 'Events';

const kKept = 300;  // events shown (the log itself keeps the last 10,000)
let filter = { channelArn: '', memberArn: '' };
let tail = { key: '', after: 0, events: [] };

// Reads what was recorded since the last render (all of it on the first), a
// page of 1,000 at a time, keeping the newest kKept.
async function update() {
  const key = JSON.stringify(filter);
  if (tail.key !== key) tail = { key, after: 0, events: [] };
  for (let page = 0; page < 20; page++) {
    const q = new URLSearchParams({ after: String(tail.after), limit: '1000' });
    if (filter.channelArn) q.set('channelArn', filter.channelArn);
    if (filter.memberArn) q.set('memberArn', filter.memberArn);
    const { events, next } = await api(`events?${q}`);
    tail.events.push(...events);
    if (tail.events.length > kKept) tail.events.splice(0, tail.events.length - kKept);
    const moved = next !== tail.after;
    tail.after = next;
    if (events.length < 1000 || !moved) break;
  }
}

export async function render(el) {
  const form = h('form', { name: 'events', 'aria-label': 'Event filters' },
    h('label', {}, 'Channel ARN', h('input', { id: 'events-channel', name: 'channelArn', value: filter.channelArn, size: 40 })),
    h('label', {}, 'Member ARN', h('input', { id: 'events-member', name: 'memberArn', value: filter.memberArn, size: 40 })),
    h('button', { type: 'submit', class: 'primary' }, 'Filter'),
    h('button', { type: 'button', onclick: async () => { await api('events', { method: 'DELETE' }); tail.key = ''; el.dispatchEvent(new Event('inspector-refresh', { bubbles: true })); } }, 'Clear events'));
  onSubmit(form, async (data) => {
    filter = { channelArn: data.get('channelArn').trim(), memberArn: data.get('memberArn').trim() };
    el.dispatchEvent(new Event('inspector-refresh', { bubbles: true }));
  });
  el.append(h('h2', {}, 'Messaging events'), form);
  await update();
  el.append(table('Events, newest first', [
    { title: 'Time', cell: (e) => time(e.time) },
    { title: 'Event', cell: (e) => e.eventType },
    { title: 'Type', cell: (e) => e.messageType ?? '' },
    { title: 'Channel', class: 'arn', cell: (e) => e.channelArn },
    { title: 'Recipients', class: 'arn', cell: (e) => e.recipients.join(', ') },
    { title: 'Frame', cell: (e) => json(`#${e.seq}`, e.message) },
  ], [...tail.events].reverse(), 'none recorded (matching).'));
}
