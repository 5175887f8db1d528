// Channel-flow processor invocations waiting for their callback: approve
// (optionally with new content) or deny each, as the processor would.
import { api, h, json, refresh, table } from '../lib.mjs';

export const id = 'flows';
export const title = 'Pending flows';

async function answer(el, inv, action, content) {
  const body = { action };
  if (content) body.content = content;
  await api(`channel-flow-invocations/${encodeURIComponent(inv.CallbackId)}`, { method: 'POST', body });
  refresh(el);
}

export async function render(el) {
  const { Invocations } = await api('channel-flow-invocations');
  el.append(h('h2', {}, 'Pending channel-flow invocations'));
  el.append(table('Invocations waiting for ChannelFlowCallback', [
    { title: 'Channel', class: 'arn', cell: (i) => i.ChannelArn },
    { title: 'Message', cell: (i) => i.Event?.ChannelMessage?.Content ?? '' },
    { title: 'Processor', class: 'arn', cell: (i) => i.FunctionArn },
    { title: 'Answer', cell: (i) => {
      const short = i.CallbackId.slice(0, 8);
      const edit = h('input', { id: `edit-${i.CallbackId}`, name: `edit-${i.CallbackId}`, 'aria-label': `New content for message ${short}`,
        placeholder: 'new content' });
      const error = h('span', { class: 'error', role: 'alert' });
      const act = (action, content) => answer(el, i, action, content).catch((e) => { error.textContent = e.message; });
      return h('div', { class: 'row' },
        h('button', { type: 'button', class: 'primary', 'aria-label': `Approve message ${short}`, onclick: () => act('approve') }, 'Approve'),
        edit,
        h('button', { type: 'button', 'aria-label': `Approve message ${short} with the new content`,
          onclick: () => act('approve', edit.value) }, 'Approve with edit'),
        h('button', { type: 'button', class: 'danger', 'aria-label': `Deny message ${short}`, onclick: () => act('deny') }, 'Deny'),
        error);
    } },
    { title: 'Event', cell: (i) => json('processor event', i.Event) },
  ], Invocations, 'none waiting. A message sent to a channel with a flow waits here when chime-local runs without --lambda-endpoint.'));
}
