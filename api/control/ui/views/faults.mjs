// Fault rules (POST/DELETE /_chime-local/faults): the next matching AWS call fails.
import { api, h, onSubmit, refresh, table } from '../lib.mjs';

export const id = 'faults';
export const title = 'Faults';

export async function render(el) {
  const form = h('form', { name: 'fault', 'aria-label': 'Add a fault rule' },
    h('label', {}, 'Operation', h('input', { id: 'fault-operation', name: 'operation', placeholder: 'SendChannelMessage (empty: any)' })),
    h('label', {}, 'Error', h('input', { id: 'fault-error', name: 'error', placeholder: 'ThrottledClientException' })),
    h('label', {}, 'Message', h('input', { id: 'fault-message', name: 'message' })),
    h('label', {}, 'Count', h('input', { id: 'fault-count', name: 'count', inputmode: 'numeric', size: 4, placeholder: 'all' })),
    h('label', {}, 'Latency (ms)', h('input', { id: 'fault-latency', name: 'latencyMs', inputmode: 'numeric', size: 6 })),
    h('button', { type: 'submit', class: 'primary' }, 'Add fault'));
  onSubmit(form, async (data) => {
    const rule = {};
    for (const k of ['operation', 'error', 'message']) if (data.get(k).trim()) rule[k] = data.get(k).trim();
    for (const k of ['count', 'latencyMs']) if (data.get(k).trim()) rule[k] = Number(data.get(k));
    await api('faults', { method: 'POST', body: rule });
    form.reset();
    refresh(el);
  });
  const { faults } = await api('faults');
  el.append(h('h2', {}, 'Fault rules'), form,
    table('Rules (first match wins)', [
      { title: 'Id', cell: (f) => String(f.id) },
      { title: 'Operation', cell: (f) => f.operation ?? 'any' },
      { title: 'Error', cell: (f) => f.error ?? '' },
      { title: 'Message', cell: (f) => f.message ?? '' },
      { title: 'Count', cell: (f) => (f.count ?? 'all') + '' },
      { title: 'Matched / fired', cell: (f) => `${f.matched ?? 0} / ${f.fired ?? 0}` },
      { title: '', cell: (f) => h('button', { type: 'button', class: 'danger', 'aria-label': `Remove fault ${f.id}`,
        onclick: async () => { await api(`faults/${f.id}`, { method: 'DELETE' }); refresh(el); } }, 'Remove') },
    ], faults, 'none: every call is answered normally.'));
}
