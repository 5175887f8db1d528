// Channels as AWS runs them, seen by amazon-chime-sdk-js (DefaultMessagingSession) under Node and
// the JS SDK v3: joining a PUBLIC channel as oneself (developer guide "Amazon Chime SDK messaging
// concepts"), a non-persistent message through a channel flow ("Using channel flows"), a callback
// after the processing window (ForbiddenException), retention with its 30-day grace ("Managing
// message retention"), with the test clock of POST /_chime-local/clock moving time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAppInstanceCommand, CreateAppInstanceUserCommand, PutAppInstanceRetentionSettingsCommand,
} from '@aws-sdk/client-chime-sdk-identity';
import {
  AssociateChannelFlowCommand, ChannelFlowCallbackCommand, CreateChannelBanCommand, CreateChannelCommand,
  CreateChannelFlowCommand, CreateChannelMembershipCommand, GetChannelMessageCommand, ListChannelMessagesCommand,
  SendChannelMessageCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { startChimeLocal } from './harness.mjs';
import { ofType, openSession, trustCa } from './messaging_harness.mjs';

const DAY = 86400;

describe('channel rules (amazon-chime-sdk-js and the JS SDK v3)', () => {
  let emu;
  let app;
  const users = {};
  const sessions = [];
  const msg = (cmd) => emu.messaging.send(cmd);
  const control = async (method, path, body) => {
    const res = await fetch(`${emu.endpoint}/_chime-local/${path}`, {
      method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  };
  const open = async (who) => {
    const s = openSession(emu.endpoint, users[who]);
    sessions.push(s);
    await s.start();
    return s;
  };
  const rejects = async (promise, name) => {
    await assert.rejects(promise, (e) => {
      assert.equal(e.name, name, e.message);
      return true;
    });
  };

  before(async () => {
    emu = await startChimeLocal();
    trustCa(emu.caPem);
    ({ AppInstanceArn: app } = await emu.identity.send(new CreateAppInstanceCommand({ Name: 'rules' })));
    for (const id of ['owner', 'joiner', 'banned', 'other']) {
      const r = await emu.identity.send(new CreateAppInstanceUserCommand({
        AppInstanceArn: app, AppInstanceUserId: id, Name: id,
      }));
      users[id] = r.AppInstanceUserArn;
    }
  });

  after(async () => {
    for (const s of sessions) s.stop();
    await control('POST', 'clock', { reset: true }).catch(() => {});
    if (emu) assert.equal(await emu.stop(), 0);
  });

  const channel = async (privacy, extra = {}) => (await msg(new CreateChannelCommand({
    AppInstanceArn: app, Name: `${privacy} room`, Privacy: privacy, Mode: 'RESTRICTED',
    ChimeBearer: users.owner, ...extra,
  }))).ChannelArn;

  test('a user joins a PUBLIC channel as itself and its session then receives; PRIVATE and banned are refused', async () => {
    const room = await channel('PUBLIC');
    await msg(new CreateChannelBanCommand({ ChannelArn: room, MemberArn: users.banned, ChimeBearer: users.owner }));
    const joiner = await open('joiner');
    await msg(new CreateChannelMembershipCommand({
      ChannelArn: room, MemberArn: users.joiner, Type: 'DEFAULT', ChimeBearer: users.joiner,
    }));
    await joiner.waitFor(ofType('CREATE_CHANNEL_MEMBERSHIP', (p) => p.Member.Arn === users.joiner));
    const { MessageId } = await msg(new SendChannelMessageCommand({
      ChannelArn: room, Content: 'welcome', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: users.owner,
    }));
    await joiner.waitFor(ofType('CREATE_CHANNEL_MESSAGE', (p) => p.MessageId === MessageId));
    // A member now: it can send.
    await msg(new SendChannelMessageCommand({
      ChannelArn: room, Content: 'hi', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: users.joiner,
    }));

    await rejects(msg(new CreateChannelMembershipCommand({
      ChannelArn: room, MemberArn: users.banned, Type: 'DEFAULT', ChimeBearer: users.banned,
    })), 'ForbiddenException');
    // A non-member adds someone else: refused, public or not.
    await rejects(msg(new CreateChannelMembershipCommand({
      ChannelArn: room, MemberArn: users.other, Type: 'DEFAULT', ChimeBearer: users.banned,
    })), 'ForbiddenException');
    const closed = await channel('PRIVATE');
    await rejects(msg(new CreateChannelMembershipCommand({
      ChannelArn: closed, MemberArn: users.joiner, Type: 'DEFAULT', ChimeBearer: users.joiner,
    })), 'ForbiddenException');
  });

  test('a NON_PERSISTENT message through a flow reaches sessions only after the callback, and is never listed', async () => {
    const { ChannelFlowArn } = await msg(new CreateChannelFlowCommand({
      AppInstanceArn: app, Name: 'screen', ClientRequestToken: 'flow-np',
      Processors: [{
        Name: 'p1', ExecutionOrder: 1, FallbackAction: 'ABORT',
        Configuration: { Lambda: { ResourceArn: 'arn:aws:lambda:us-east-1:123456789012:function:screen', InvocationType: 'ASYNC' } },
      }],
    }));
    const room = await channel('PRIVATE', { MemberArns: [users.other] });
    await msg(new AssociateChannelFlowCommand({ ChannelArn: room, ChannelFlowArn, ChimeBearer: users.owner }));
    const other = await open('other');
    const { MessageId } = await msg(new SendChannelMessageCommand({
      ChannelArn: room, Content: 'ephemeral', Type: 'STANDARD', Persistence: 'NON_PERSISTENT', ChimeBearer: users.owner,
    }));
    const { Invocations } = await control('GET', 'channel-flow-invocations');
    const inv = Invocations.find((i) => i.MessageId === MessageId);
    assert.ok(inv, 'the flow was invoked for the non-persistent message');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(other.messages.filter(ofType('CREATE_CHANNEL_MESSAGE', (p) => p.MessageId === MessageId)).length, 0,
      'nothing reaches the members while the processor has not answered');
    await msg(new ChannelFlowCallbackCommand({
      CallbackId: inv.CallbackId, ChannelArn: room,
      ChannelMessage: { MessageId, Content: 'ephemeral, screened' },
    }));
    const got = await other.waitFor(ofType('CREATE_CHANNEL_MESSAGE', (p) => p.MessageId === MessageId));
    const payload = JSON.parse(got.payload);
    assert.equal(payload.Content, 'ephemeral, screened');
    assert.equal(payload.Persistence, 'NON_PERSISTENT');
    const listed = await msg(new ListChannelMessagesCommand({ ChannelArn: room, ChimeBearer: users.owner }));
    assert.equal((listed.ChannelMessages ?? []).filter((m) => m.MessageId === MessageId).length, 0);

    // A callback after the processing window: ForbiddenException (the window is --channel-flow-timeout,
    // 30 s by default; the test clock moves past it).
    const late = await msg(new SendChannelMessageCommand({
      ChannelArn: room, Content: 'late', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: users.owner,
    }));
    const lateInv = (await control('GET', 'channel-flow-invocations')).Invocations
      .find((i) => i.MessageId === late.MessageId);
    await control('POST', 'clock', { advanceSeconds: 120 });
    try {
      await rejects(msg(new ChannelFlowCallbackCommand({
        CallbackId: lateInv.CallbackId, ChannelArn: room,
        ChannelMessage: { MessageId: late.MessageId, Content: 'too late' },
      })), 'ForbiddenException');
    } finally {
      await control('POST', 'clock', { reset: true });
    }
  });

  test('retention hides old messages, gives them back within the 30-day grace, then deletes them', async () => {
    const room = await channel('PRIVATE');
    const { MessageId } = await msg(new SendChannelMessageCommand({
      ChannelArn: room, Content: 'old news', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: users.owner,
    }));
    const get = () => msg(new GetChannelMessageCommand({ ChannelArn: room, MessageId, ChimeBearer: users.owner }));
    const retain = (days) => emu.identity.send(new PutAppInstanceRetentionSettingsCommand({
      AppInstanceArn: app, AppInstanceRetentionSettings: { ChannelRetentionSettings: { RetentionDays: days } },
    }));
    try {
      await control('POST', 'clock', { advanceSeconds: 3 * DAY });
      const set = await retain(1);
      assert.ok(set.InitiateDeletionTimestamp instanceof Date);
      await rejects(get(), 'NotFoundException');
      await retain(10);  // within the grace period: the message is back
      assert.equal((await get()).ChannelMessage.Content, 'old news');
      await retain(1);
      await control('POST', 'clock', { advanceSeconds: 31 * DAY });
      await retain(10);  // past the grace period: it was deleted for good
      await rejects(get(), 'NotFoundException');
    } finally {
      await control('POST', 'clock', { reset: true });
      await emu.identity.send(new PutAppInstanceRetentionSettingsCommand({
        AppInstanceArn: app, AppInstanceRetentionSettings: {},
      })).catch(() => {});
    }
  });
});
