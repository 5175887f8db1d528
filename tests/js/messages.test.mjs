// AWS SDK for JavaScript v3 against chime-local: SendChannelMessage, ListChannelMessages and
// GetChannelMessage round trip, time filters as the SDK serialises them, and a modeled error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAppInstanceCommand,
  CreateAppInstanceUserCommand,
} from '@aws-sdk/client-chime-sdk-identity';
import {
  CreateChannelCommand,
  GetChannelMessageCommand,
  ListChannelMessagesCommand,
  SendChannelMessageCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { startChimeLocal } from './harness.mjs';

let emu;
let channel;
let alice;
let bob;
let carol;

before(async () => {
  emu = await startChimeLocal();
  const { AppInstanceArn } = await emu.identity.send(new CreateAppInstanceCommand({ Name: `js-${Date.now()}` }));
  const user = async (id) => (await emu.identity.send(new CreateAppInstanceUserCommand({
    AppInstanceArn, AppInstanceUserId: id, Name: `Name ${id}`,
  }))).AppInstanceUserArn;
  const owner = await user('owner');
  alice = await user('alice');
  bob = await user('bob');
  carol = await user('carol'); // never joins the channel
  ({ ChannelArn: channel } = await emu.messaging.send(new CreateChannelCommand({
    AppInstanceArn, Name: 'js-channel', ChimeBearer: owner, MemberArns: [alice, bob],
  })));
});

after(async () => {
  if (emu) assert.equal(await emu.stop(), 0, 'chime-local should exit cleanly on SIGTERM');
});

test('send, list and get a message', async () => {
  const sent = await emu.messaging.send(new SendChannelMessageCommand({
    ChannelArn: channel, ChimeBearer: alice, Content: 'hello from js', Type: 'STANDARD',
    Persistence: 'PERSISTENT', Metadata: 'm', MessageAttributes: { k: { StringValues: ['v'] } },
  }));
  assert.equal(sent.$metadata.httpStatusCode, 201);
  assert.equal(sent.ChannelArn, channel);
  assert.match(sent.MessageId, /^[0-9a-f]{64}$/);
  assert.deepEqual(sent.Status, { Value: 'SENT' });

  const listed = await emu.messaging.send(new ListChannelMessagesCommand({ ChannelArn: channel, ChimeBearer: bob }));
  assert.equal(listed.ChannelArn, channel);
  assert.deepEqual(listed.ChannelMessages.map((m) => m.MessageId), [sent.MessageId]);
  const summary = listed.ChannelMessages[0];
  assert.equal(summary.Content, 'hello from js');
  assert.equal(summary.Sender.Arn, alice);
  assert.equal(summary.Redacted, false);
  assert.ok(summary.CreatedTimestamp instanceof Date);
  assert.ok(Math.abs(summary.CreatedTimestamp.getTime() - Date.now()) < 60000);

  const { ChannelMessage: msg } = await emu.messaging.send(new GetChannelMessageCommand({
    ChannelArn: channel, MessageId: sent.MessageId, ChimeBearer: bob,
  }));
  assert.equal(msg.MessageId, sent.MessageId);
  assert.equal(msg.Content, 'hello from js');
  assert.equal(msg.Metadata, 'm');
  assert.equal(msg.Persistence, 'PERSISTENT');
  assert.deepEqual(msg.Sender, { Arn: alice, Name: 'Name alice' });
  assert.deepEqual(msg.MessageAttributes, { k: { StringValues: ['v'] } });

  // NotBefore/NotAfter as the SDK writes them (Date.toISOString()), inclusive.
  const created = msg.CreatedTimestamp;
  const within = await emu.messaging.send(new ListChannelMessagesCommand({
    ChannelArn: channel, ChimeBearer: bob, NotBefore: created, NotAfter: created,
  }));
  assert.ok(within.ChannelMessages.some((m) => m.MessageId === sent.MessageId));
  const later = await emu.messaging.send(new ListChannelMessagesCommand({
    ChannelArn: channel, ChimeBearer: bob, NotBefore: new Date(created.getTime() + 1),
  }));
  assert.deepEqual(later.ChannelMessages, []);
});

test('oversized content is a BadRequestException', async () => {
  await assert.rejects(
    emu.messaging.send(new SendChannelMessageCommand({
      ChannelArn: channel, ChimeBearer: alice, Content: 'x'.repeat(5000), Type: 'STANDARD',
      Persistence: 'PERSISTENT',
    })),
    (e) => {
      assert.equal(e.name, 'BadRequestException', `${e.name}: ${e.message}`);
      assert.equal(e.$metadata.httpStatusCode, 400);
      assert.match(e.message, /4096 bytes.*got 5000 bytes/);
      return true;
    });
});

test('a non-member is refused with ForbiddenException', async () => {
  await assert.rejects(
    emu.messaging.send(new SendChannelMessageCommand({
      ChannelArn: channel, ChimeBearer: carol, Content: 'x',
      Type: 'STANDARD', Persistence: 'PERSISTENT',
    })),
    (e) => {
      assert.equal(e.name, 'ForbiddenException', `${e.name}: ${e.message}`);
      return true;
    });
});
