// AppInstanceBot invocations waiting for Lex's answer (GET /_chime-local/bot-invocations): answer
// each as the Lex bot would, with a text reply or an error (docs/bots.md).
import { api, h, json, refresh, table } from '../lib.mjs';

export const id = 'bots';
export const title = 'Bot invocations';

async function answer(el, inv, body) {
  await api(`bot-invocations/${encodeURIComponent(inv.InvocationId)}`, { method: 'POST', body });
  refresh(el);
}

export async function render(el) {
  const { Invocations } = await api('bot-invocations');
  el.append(h('h2', {}, 'Pending bot invocations'));
  el.append(table('Invocations waiting for Lex', [
    { title: 'Bot', class: 'arn', cell: (i) => i.AppInstanceBotArn },
    { title: 'Channel', class: 'arn', cell: (i) => i.ChannelArn },
    { title: 'Text', cell: (i) => i.Request?.text ?? '' },
    { title: 'Answer', cell: (i) => {
      const short = i.InvocationId.slice(0, 8);
      const reply = h('input', { id: `reply-${i.InvocationId}`, name: `reply-${i.InvocationId}`,
        'aria-label': `Reply text for invocation ${short}`, placeholder: 'reply text' });
      const error = h('span', { class: 'error', role: 'alert' });
      const act = (body) => answer(el, i, body).catch((e) => { error.textContent = e.message; });
      return h('div', { class: 'row' },
        reply,
        h('button', { type: 'button', class: 'primary', 'aria-label': `Reply to invocation ${short}`,
          onclick: () => act({ messages: [{ contentType: 'PlainText', content: reply.value }],
            sessionState: { intent: { name: 'Inspector', state: 'Fulfilled' } } }) }, 'Reply'),
        h('button', { type: 'button', class: 'danger', 'aria-label': `Fail invocation ${short} with a Lex error`,
          onclick: () => act({ error: { code: 'DependencyFailedException', message: 'failed from the inspector' } }) }, 'Lex error'),
        error);
    } },
    { title: 'Request', cell: (i) => json('RecognizeText request', i.Request) },
  ], Invocations, 'none waiting. A message that invokes an AppInstanceBot waits here when chime-local runs without --lex-endpoint.'));
}
