// One channel: members, moderators, bans, preferences, and its messages
// newest first (every status, as GetChannelMessage returns each).
import { api, h, json, link, table, time } from '../lib.mjs';

export const id = 'channel';
export const title = 'Channel';
export const menu = false;  // reached from the channel list

export async function render(el, params) {
  if (!params.arn) {
    el.append(h('p', {}, 'Pick a channel in ', link('Channels', 'channels'), '.'));
    return;
  }
  const state = await api(`state/channel?${new URLSearchParams({ channelArn: params.arn })}`);
  const c = state.channel;
  const appArn = c.ChannelArn.replace(/\/channel\/.*$/, '');
  el.append(h('h2', {}, `Channel ${c.Name}`),
    h('p', {}, h('code', {}, c.ChannelArn), ' ', link('all channels', 'channels', { app: appArn })),
    h('p', { class: 'muted' }, `${c.Mode}, ${c.Privacy}; created by `, h('code', {}, c.CreatedBy),
      ` at ${time(c.CreatedTimestamp)}`, c.ChannelFlowArn ? '; flow ' : '', c.ChannelFlowArn ? h('code', {}, c.ChannelFlowArn) : ''),
    json('Channel JSON', c));
  el.append(table('Members', [
    { title: 'Member', class: 'arn', cell: (m) => m.MemberArn },
    { title: 'Type', cell: (m) => m.Type },
    { title: 'Sub-channel', cell: (m) => m.SubChannelId ?? '' },
    { title: 'Read marker', cell: (m) => time(m.ReadMarkerTimestamp) },
    { title: 'Preferences', cell: (m) => (m.Preferences ? json('preferences', m.Preferences) : '') },
  ], state.members));
  el.append(table('Moderators', [
    { title: 'Moderator', class: 'arn', cell: (m) => m.ModeratorArn },
    { title: 'Since', cell: (m) => time(m.CreatedTimestamp) },
  ], state.moderators));
  el.append(table('Bans', [
    { title: 'Member', class: 'arn', cell: (b) => b.MemberArn },
    { title: 'Banned by', class: 'arn', cell: (b) => b.CreatedBy },
  ], state.bans));

  // Elastic channels keep each sub-channel's messages apart.
  const subs = c.SubChannels ?? [];
  const sub = params.sub ?? subs[0]?.SubChannelId ?? '';
  if (subs.length) {
    const select = h('select', { id: 'channel-sub', name: 'sub' },
      subs.map((s) => h('option', { value: s.SubChannelId, selected: s.SubChannelId === sub }, `${s.SubChannelId} (${s.MembershipCount} members)`)));
    select.addEventListener('change', () => {
      location.hash = `#/channel?${new URLSearchParams({ arn: params.arn, sub: select.value })}`;
    });
    el.append(h('div', { class: 'row' }, h('label', {}, 'Sub-channel', select)));
  }
  const query = { channelArn: params.arn, subChannelId: sub, limit: '50' };
  if (params.before) query.before = params.before;
  const page = await api(`state/messages?${new URLSearchParams(query)}`);
  el.append(h('h3', {}, 'Messages (newest first)'));
  el.append(table('Messages', [
    { title: 'Created', cell: (m) => time(m.CreatedTimestamp) },
    { title: 'Status', cell: (m) => h('span', { class: `status-${m.Status?.Value}` }, m.Status?.Value ?? '') },
    { title: 'Type', cell: (m) => `${m.Type}, ${m.Persistence}` },
    { title: 'Sender', cell: (m) => m.Sender?.Name || m.Sender?.Arn },
    { title: 'Content', cell: (m) => (m.Redacted ? h('em', {}, 'redacted') : m.Content ?? '') },
    { title: 'Notes', cell: (m) => [m.Target ? `to ${m.Target[0].MemberArn.split('/').pop()}` : '',
      m.LastEditedTimestamp ? `edited ${time(m.LastEditedTimestamp)}` : '', m.Metadata ? 'metadata' : '',
      m.MessageAttributes ? 'attributes' : ''].filter(Boolean).join('; ') },
    { title: 'JSON', cell: (m) => json(`${m.MessageId.slice(0, 8)}…`, m) },
  ], page.messages, 'none.'));
  const nav = h('div', { class: 'row' });
  if (params.before) nav.append(link('Newest', 'channel', { arn: params.arn, sub }));
  if (page.nextBefore) nav.append(link('Older messages', 'channel', { arn: params.arn, sub, before: page.nextBefore }));
  el.append(nav);
}
