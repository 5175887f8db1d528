// The messaging session with the unmodified amazon-chime-sdk-js (DefaultMessagingSession) under
// Node 20: wss:// on the emulator's port, SESSION_ESTABLISHED, every event type, fan-out rules,
// prefetch, 4401 for an unknown user, and reconnecting by itself after a restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateAppInstanceAdminCommand, CreateAppInstanceCommand, CreateAppInstanceUserCommand,
} from '@aws-sdk/client-chime-sdk-identity';
import {
  BatchCreateChannelMembershipCommand, CreateChannelCommand, CreateChannelMembershipCommand,
  DeleteChannelCommand, DeleteChannelMembershipCommand, DeleteChannelMessageCommand,
  GetMessagingSessionEndpointCommand, RedactChannelMessageCommand, SendChannelMessageCommand,
  UpdateChannelCommand, UpdateChannelMessageCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { startChimeLocal } from './harness.mjs';
import { ofType, openSession, trustCa } from './messaging_harness.mjs';

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('messaging session (amazon-chime-sdk-js)', () => {
  let dir;
  let emu;
  let app;
  const users = {};
  const sessions = [];
  const open = (who, opts) => {
    const s = openSession(emu.endpoint, users[who], opts);
    sessions.push(s);
    return s;
  };
  const msg = (cmd) => emu.messaging.send(cmd);

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'chime-ws-'));
    emu = await startChimeLocal({ dataFile: path.join(dir, 'chime.sqlite3') });
    trustCa(emu.caPem);
    ({ AppInstanceArn: app } = await emu.identity.send(new CreateAppInstanceCommand({ Name: 'ws' })));
    for (const id of ['alice', 'bob', 'carol', 'dave', 'erin', 'admin']) {
      const r = await emu.identity.send(new CreateAppInstanceUserCommand({
        AppInstanceArn: app, AppInstanceUserId: id, Name: id[0].toUpperCase() + id.slice(1),
      }));
      users[id] = r.AppInstanceUserArn;
    }
    await emu.identity.send(new CreateAppInstanceAdminCommand({
      AppInstanceArn: app, AppInstanceAdminArn: users.admin,
    }));
  });

  after(async () => {
    for (const s of sessions) s.stop();
    if (emu) assert.equal(await emu.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  });

  const newChannel = async (creator, members = []) => {
    const { ChannelArn } = await msg(new CreateChannelCommand({
      AppInstanceArn: app, Name: 'room', ChimeBearer: users[creator],
      ...(members.length ? { MemberArns: members.map((m) => users[m]) } : {}),
    }));
    return ChannelArn;
  };

  test('GetMessagingSessionEndpoint answers the host:port the request came in on', async () => {
    const r = await msg(new GetMessagingSessionEndpointCommand({}));
    assert.equal(r.Endpoint.Url, `127.0.0.1:${emu.port}`);
  });

  test('start() resolves on SESSION_ESTABLISHED and a sent message arrives with headers and payload', async () => {
    const channel = await newChannel('alice', ['bob']);
    const bob = open('bob');
    await bob.start();
    const first = await bob.waitFor(() => true, 2000, 'the first frame');
    assert.equal(first.type, 'SESSION_ESTABLISHED');
    const { MessageId } = await msg(new SendChannelMessageCommand({
      ChannelArn: channel, Content: 'hello bob', Metadata: 'm1', Type: 'STANDARD', Persistence: 'PERSISTENT',
      ChimeBearer: users.alice, ClientRequestToken: 't-1',
    }));
    const m = await bob.waitFor(ofType('CREATE_CHANNEL_MESSAGE'));
    assert.equal(m.headers['x-amz-chime-event-type'], 'CREATE_CHANNEL_MESSAGE');
    assert.equal(m.headers['x-amz-chime-message-type'], 'STANDARD');
    const p = JSON.parse(m.payload);
    assert.equal(p.ChannelArn, channel);
    assert.equal(p.MessageId, MessageId);
    assert.equal(p.Content, 'hello bob');
    assert.equal(p.Metadata, 'm1');
    assert.deepEqual(p.Sender, { Arn: users.alice, Name: 'Alice' });
    assert.equal(p.Persistence, 'PERSISTENT');
    assert.equal(p.Redacted, false);
    assert.match(p.CreatedTimestamp, ISO_MS);
    assert.match(p.LastUpdatedTimestamp, ISO_MS);
    // CONTROL messages carry their type in the header.
    await msg(new SendChannelMessageCommand({
      ChannelArn: channel, Content: 'typing', Type: 'CONTROL', Persistence: 'PERSISTENT', ChimeBearer: users.alice,
    }));
    const c = await bob.waitFor(ofType('CREATE_CHANNEL_MESSAGE', (pl) => pl.Content === 'typing'));
    assert.equal(c.headers['x-amz-chime-message-type'], 'CONTROL');
  });

  test('a burst of messages arrives complete and in order', async () => {
    const channel = await newChannel('alice', ['bob']);
    const bob = open('bob');
    await bob.start();
    const N = 200;
    await Promise.all(Array.from({ length: N }, (_, i) => msg(new SendChannelMessageCommand({
      ChannelArn: channel, Content: `burst ${i}`, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: users.alice,
    }))));
    const got = () => bob.messages.filter(ofType('CREATE_CHANNEL_MESSAGE', (p) => p.Content.startsWith('burst ')));
    const deadline = Date.now() + 5000;
    while (got().length < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const frames = got().map((m) => JSON.parse(m.payload));
    assert.equal(frames.length, N);
    const times = frames.map((p) => p.CreatedTimestamp);
    assert.deepEqual(times, [...times].sort(), 'delivered in commit order');
    bob.stop();
  });

  test('every channel, membership and message event reaches the members', async () => {
    const carol = open('carol');
    const dave = open('dave');
    const admin = open('admin');
    await Promise.all([carol.start(), dave.start(), admin.start()]);
    const channel = await newChannel('carol');
    const created = await carol.waitFor(ofType('CREATE_CHANNEL', (p) => p.ChannelArn === channel));
    assert.equal(created.headers['x-amz-chime-message-type'], 'SYSTEM');
    assert.match(JSON.parse(created.payload).CreatedTimestamp, ISO_MS);

    await msg(new UpdateChannelCommand({ ChannelArn: channel, Name: 'renamed', Mode: 'UNRESTRICTED', ChimeBearer: users.carol }));
    await carol.waitFor(ofType('UPDATE_CHANNEL', (p) => p.Name === 'renamed'));

    await msg(new CreateChannelMembershipCommand({ ChannelArn: channel, MemberArn: users.dave, Type: 'DEFAULT', ChimeBearer: users.carol }));
    const joined = await dave.waitFor(ofType('CREATE_CHANNEL_MEMBERSHIP', (p) => p.ChannelArn === channel));
    assert.deepEqual(JSON.parse(joined.payload).Member, { Arn: users.dave, Name: 'Dave' });
    await carol.waitFor(ofType('CREATE_CHANNEL_MEMBERSHIP', (p) => p.Member.Arn === users.dave));

    await msg(new BatchCreateChannelMembershipCommand({
      ChannelArn: channel, MemberArns: [users.erin, users.admin], Type: 'DEFAULT', ChimeBearer: users.carol,
    }));
    const batch = await admin.waitFor(ofType('BATCH_CREATE_CHANNEL_MEMBERSHIP', (p) => p.ChannelArn === channel));
    assert.deepEqual(JSON.parse(batch.payload).Members.map((m) => m.Arn).sort(), [users.admin, users.erin].sort());

    const { MessageId } = await msg(new SendChannelMessageCommand({
      ChannelArn: channel, Content: 'v1', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: users.dave,
    }));
    await msg(new UpdateChannelMessageCommand({ ChannelArn: channel, MessageId, Content: 'v2', ChimeBearer: users.dave }));
    const upd = await carol.waitFor(ofType('UPDATE_CHANNEL_MESSAGE', (p) => p.MessageId === MessageId));
    assert.equal(JSON.parse(upd.payload).Content, 'v2');
    assert.equal(upd.headers['x-amz-chime-message-type'], 'STANDARD');
    await msg(new RedactChannelMessageCommand({ ChannelArn: channel, MessageId, ChimeBearer: users.carol }));
    const red = await dave.waitFor(ofType('REDACT_CHANNEL_MESSAGE', (p) => p.MessageId === MessageId));
    assert.equal(JSON.parse(red.payload).Redacted, true);
    await msg(new DeleteChannelMessageCommand({ ChannelArn: channel, MessageId, ChimeBearer: users.admin }));
    await carol.waitFor(ofType('DELETE_CHANNEL_MESSAGE', (p) => p.MessageId === MessageId));

    // The removed member gets DELETE_CHANNEL_MEMBERSHIP too, then nothing more from the channel.
    await msg(new DeleteChannelMembershipCommand({ ChannelArn: channel, MemberArn: users.dave, ChimeBearer: users.carol }));
    await dave.waitFor(ofType('DELETE_CHANNEL_MEMBERSHIP', (p) => p.Member.Arn === users.dave));
    await carol.waitFor(ofType('DELETE_CHANNEL_MEMBERSHIP', (p) => p.Member.Arn === users.dave));

    // DeleteChannel still reaches the members it removes.
    await msg(new DeleteChannelCommand({ ChannelArn: channel, ChimeBearer: users.carol }));
    await admin.waitFor(ofType('DELETE_CHANNEL', (p) => p.ChannelArn === channel));
    await carol.waitFor(ofType('DELETE_CHANNEL', (p) => p.ChannelArn === channel));
    assert.equal(dave.messages.some(ofType('DELETE_CHANNEL', (p) => p.ChannelArn === channel)), false,
      'a removed member gets no later events of the channel');
    for (const s of [carol, dave, admin]) s.stop();
  });

  test('targeted messages reach only sender and target; NON_PERSISTENT reaches connected members', async () => {
    const channel = await newChannel('alice', ['bob', 'carol']);
    const [alice, bob, carol] = [open('alice'), open('bob'), open('carol')];
    await Promise.all([alice.start(), bob.start(), carol.start()]);
    await msg(new SendChannelMessageCommand({
      ChannelArn: channel, Content: 'psst', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: users.alice,
      Target: [{ MemberArn: users.bob }],
    }));
    await msg(new SendChannelMessageCommand({
      ChannelArn: channel, Content: 'ephemeral', Type: 'STANDARD', Persistence: 'NON_PERSISTENT', ChimeBearer: users.alice,
    }));
    await bob.waitFor(ofType('CREATE_CHANNEL_MESSAGE', (p) => p.Content === 'psst'));
    await alice.waitFor(ofType('CREATE_CHANNEL_MESSAGE', (p) => p.Content === 'psst'));
    const np = await carol.waitFor(ofType('CREATE_CHANNEL_MESSAGE', (p) => p.Content === 'ephemeral'));
    assert.equal(JSON.parse(np.payload).Persistence, 'NON_PERSISTENT');
    // Events of one channel arrive in commit order: carol saw the later message, not the targeted one.
    assert.equal(carol.messages.some(ofType('CREATE_CHANNEL_MESSAGE', (p) => p.Content === 'psst')), false);
    // A member connecting later does not get the NON_PERSISTENT message.
    bob.stop();
    const bobAgain = open('bob', { prefetch: true });
    await bobAgain.start();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(bobAgain.messages.some(ofType('CREATE_CHANNEL_MESSAGE')), false);
    for (const s of [alice, carol, bobAgain]) s.stop();
  });

  test('prefetch-on=connect sends CHANNEL_DETAILS for the user\'s channels after SESSION_ESTABLISHED', async () => {
    const a = await newChannel('erin');
    const b = await newChannel('erin');
    await msg(new SendChannelMessageCommand({
      ChannelArn: b, Content: 'latest', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: users.erin,
    }));
    const erin = open('erin', { prefetch: true });
    await erin.start();
    assert.equal((await erin.waitFor(() => true, 2000, 'the first frame')).type, 'SESSION_ESTABLISHED');
    await erin.waitFor((m) => m.type === 'CHANNEL_DETAILS' && JSON.parse(m.payload).Channel.ChannelArn === a);
    const details = erin.messages.filter((m) => m.type === 'CHANNEL_DETAILS').map((m) => JSON.parse(m.payload));
    // Channels with unread messages first (the default sort).
    assert.equal(details[0].Channel.ChannelArn, b);
    assert.equal(details[0].ChannelMessages[0].Content, 'latest');
    assert.ok(details.some((d) => d.Channel.ChannelArn === a));
    assert.ok(Array.isArray(details[0].ChannelMemberships));
    erin.stop();
  });

  test('an unknown user is closed with 4401 and start() rejects without retrying', async () => {
    users.ghost = `${app}/user/ghost`;
    const ghost = open('ghost');
    await assert.rejects(ghost.start(), (e) => e.code === 4401);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(ghost.events.filter((e) => e.kind === 'connecting').length, 1, 'no reconnect after 4401');
    ghost.stop();
  });

  test('after a restart on the same port the SDK reconnects by itself and receives new messages', async () => {
    const channel = await newChannel('alice', ['bob']);
    const bob = open('bob');
    await bob.start();
    const port = emu.port;
    assert.equal(await emu.stop(), 0);
    emu = await startChimeLocal({ dataFile: path.join(dir, 'chime.sqlite3'), extraArgs: ['--port', String(port)] });
    await bob.waitEvent((e) => e.kind === 'connecting' && e.reconnecting, 8000, 'a reconnect');
    await bob.waitEvent((e, i) => e.kind === 'start' && bob.events.slice(0, bob.events.indexOf(e)).some((x) => x.reconnecting),
      10000, 'the session to start again');
    await msg(new SendChannelMessageCommand({
      ChannelArn: channel, Content: 'after restart', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: users.alice,
    }));
    await bob.waitFor(ofType('CREATE_CHANNEL_MESSAGE', (p) => p.Content === 'after restart'), 5000);
    bob.stop();
  });
});
