// Elastic-channel rebalancing as the unmodified amazon-chime-sdk-js sees it: the moved member's
// UPDATE_CHANNEL_MEMBERSHIP with its new SubChannelId, and a moderator's DELETE_CHANNEL_MEMBERSHIP
// whose Message.headers carry x-amz-chime-event-reason: subchannel_DELETED when SCALE_IN deletes
// its sub-channel (developer guide, "Understanding message structures").
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAppInstanceCommand, CreateAppInstanceUserCommand } from '@aws-sdk/client-chime-sdk-identity';
import {
  CreateChannelCommand, CreateChannelMembershipCommand, CreateChannelModeratorCommand, DeleteChannelMembershipCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { startChimeLocal } from './harness.mjs';
import { ofType, openSession, trustCa } from './messaging_harness.mjs';

describe('elastic rebalancing events (amazon-chime-sdk-js)', () => {
  let emu;
  let app;
  const users = {};
  const sessions = [];
  const msg = (cmd) => emu.messaging.send(cmd);

  before(async () => {
    emu = await startChimeLocal();
    trustCa(emu.caPem);
    ({ AppInstanceArn: app } = await emu.identity.send(new CreateAppInstanceCommand({ Name: 'elastic' })));
    for (const id of ['owner', 'mod', 'u0', 'u1', 'u2', 'u3', 'u4']) {
      const r = await emu.identity.send(new CreateAppInstanceUserCommand({
        AppInstanceArn: app, AppInstanceUserId: id, Name: id,
      }));
      users[id] = r.AppInstanceUserArn;
    }
  });

  after(async () => {
    for (const s of sessions) s.stop();
    if (emu) assert.equal(await emu.stop(), 0);
  });

  test('SCALE_OUT moves a member, SCALE_IN removes the moderator with the reason header', async () => {
    const { ChannelArn: channel } = await msg(new CreateChannelCommand({
      AppInstanceArn: app, Name: 'live', Mode: 'RESTRICTED', ChimeBearer: users.owner,
      ElasticChannelConfiguration: { MaximumSubChannels: 3, TargetMembershipsPerSubChannel: 4, MinimumMembershipPercentage: 40 },
    }));
    const add = (who, extra = {}) => msg(new CreateChannelMembershipCommand({
      ChannelArn: channel, MemberArn: users[who], Type: 'DEFAULT', ChimeBearer: users.owner, ...extra,
    }));
    const remove = (who, extra = {}) => msg(new DeleteChannelMembershipCommand({
      ChannelArn: channel, MemberArn: users[who], ChimeBearer: users.owner, ...extra,
    }));
    const moved = openSession(emu.endpoint, users.u3);
    const mod = openSession(emu.endpoint, users.mod);
    sessions.push(moved, mod);
    await Promise.all([moved.start(), mod.start()]);

    for (const u of ['u0', 'u1', 'u2', 'u3']) assert.equal((await add(u)).SubChannelId, '1');
    // "1" is full: u4 opens "2" and the newest member of "1", u3, moves there.
    assert.equal((await add('u4')).SubChannelId, '2');
    const update = await moved.waitFor(ofType('UPDATE_CHANNEL_MEMBERSHIP', (p) => p.ChannelArn === channel));
    assert.equal(JSON.parse(update.payload).SubChannelId, '2');
    assert.equal(JSON.parse(update.payload).Member.Arn, users.u3);

    await msg(new CreateChannelModeratorCommand({ ChannelArn: channel, ChannelModeratorArn: users.mod, ChimeBearer: users.owner }));
    await add('mod', { SubChannelId: '2' });
    await remove('u4');  // "2": u3 and the moderator, at the minimum (ceil(40% of 4) = 2)
    await remove('u3');  // "2": the moderator alone, below it: merged into "1" and deleted
    const dropped = await mod.waitFor(ofType('DELETE_CHANNEL_MEMBERSHIP', (p) => p.Member.Arn === users.mod));
    assert.equal(dropped.headers['x-amz-chime-event-reason'], 'subchannel_DELETED');
    assert.equal(JSON.parse(dropped.payload).SubChannelId, '2');
    const plain = mod.messages.filter(ofType('DELETE_CHANNEL_MEMBERSHIP', (p) => p.Member.Arn === users.u4));
    assert.equal(plain.length, 1);
    assert.equal(plain[0].headers['x-amz-chime-event-reason'], undefined, 'a plain removal carries no reason');
  });
});
