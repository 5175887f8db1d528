// App instances of every tenant (account and region) with their users, bots and admins.
import { api, h, json, link, table, time } from '../lib.mjs';

export const id = 'app-instances';
export const title = 'App instances';

function expiration(e) {
  return e ? `${e.ExpirationDays} days after ${e.ExpirationCriterion}` : '';
}

export async function render(el) {
  const { tenants, truncated } = await api('state/app-instances');
  el.append(h('h2', {}, 'App instances'));
  if (!tenants.length) el.append(h('p', { class: 'muted' }, 'No app instances yet (CreateAppInstance creates one).'));
  for (const t of tenants) {
    el.append(h('h2', {}, `Account ${t.accountId}, ${t.region}`));
    for (const app of t.appInstances) {
      const days = app.RetentionSettings?.ChannelRetentionSettings?.RetentionDays;
      el.append(h('section', { class: 'card', 'aria-label': `App instance ${app.Name}` },
        h('h3', {}, app.Name, ' ', link('channels', 'channels', { app: app.AppInstanceArn })),
        h('p', {}, h('code', {}, app.AppInstanceArn), ' ', h('span', { class: 'muted' },
          `created ${time(app.CreatedTimestamp)}; message retention: ${days ? `${days} days` : 'forever'}`)),
        table('Users', [
          { title: 'Name', cell: (u) => u.Name },
          { title: 'ARN', class: 'arn', cell: (u) => u.AppInstanceUserArn },
          { title: 'Expiration', cell: (u) => expiration(u.ExpirationSettings) },
          { title: 'Endpoints', cell: (u) => u.Endpoints.map((e) => `${e.Name || e.EndpointId} (${e.Type}, ${e.EndpointState.Status})`).join(', ') },
        ], app.Users),
        table('Bots', [
          { title: 'Name', cell: (b) => b.Name },
          { title: 'ARN', class: 'arn', cell: (b) => b.AppInstanceBotArn },
          { title: 'Configuration', cell: (b) => (b.Configuration ? json('configuration', b.Configuration) : '') },
        ], app.Bots),
        table('Admins', [
          { title: 'Name', cell: (a) => a.Name },
          { title: 'ARN', class: 'arn', cell: (a) => a.Arn },
        ], app.Admins)));
    }
  }
  if (truncated) el.append(h('p', { class: 'muted' }, 'Only the first 500 of each list are shown.'));
}
