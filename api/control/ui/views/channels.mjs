// The channels of one app instance (picked from a list of them all).
import { api, h, link, table, time } from '../lib.mjs';

export const id = 'channels';
export const title = 'Channels';

export async function render(el, params) {
  const { tenants } = await api('state/app-instances');
  const apps = tenants.flatMap((t) => t.appInstances);
  const app = params.app ?? apps[0]?.AppInstanceArn;
  el.append(h('h2', {}, 'Channels'));
  if (!app) {
    el.append(h('p', { class: 'muted' }, 'No app instances yet.'));
    return;
  }
  const select = h('select', { id: 'channels-app', name: 'app' },
    apps.map((a) => h('option', { value: a.AppInstanceArn, selected: a.AppInstanceArn === app }, `${a.Name} (${a.AppInstanceArn})`)));
  select.addEventListener('change', () => { location.hash = `#/channels?${new URLSearchParams({ app: select.value })}`; });
  el.append(h('div', { class: 'row' }, h('label', {}, 'App instance', select)));
  const { channels, truncated } = await api(`state/channels?${new URLSearchParams({ appInstanceArn: app })}`);
  el.append(table('Channels', [
    { title: 'Name', cell: (c) => link(c.Name, 'channel', { arn: c.ChannelArn }) },
    { title: 'Mode', cell: (c) => c.Mode },
    { title: 'Privacy', cell: (c) => c.Privacy },
    { title: 'Elastic', cell: (c) => (c.ElasticChannelConfiguration
      ? `max ${c.ElasticChannelConfiguration.MaximumSubChannels} sub-channels, ${c.SubChannels.length} in use` : 'no') },
    { title: 'Channel flow', class: 'arn', cell: (c) => c.ChannelFlowArn ?? '' },
    { title: 'Expiration', cell: (c) => (c.ExpirationSettings
      ? `${c.ExpirationSettings.ExpirationDays} days after ${c.ExpirationSettings.ExpirationCriterion}` : '') },
    { title: 'Last message', cell: (c) => time(c.LastMessageTimestamp) },
  ], channels, 'none in this app instance.'));
  if (truncated) el.append(h('p', { class: 'muted' }, 'Only the first 500 channels are shown.'));
}
