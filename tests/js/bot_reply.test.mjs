// An AppInstanceBot's Lex reply (docs/bots.md) reaches the unmodified amazon-chime-sdk-js
// (DefaultMessagingSession) under Node like any channel message: the test answers the bot's
// invocation through POST /_chime-local/bot-invocations/{InvocationId}, and the member's session
// gets CREATE_CHANNEL_MESSAGE from the bot with the Lex content type, content and attributes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAppInstanceBotCommand, CreateAppInstanceCommand, CreateAppInstanceUserCommand,
} from '@aws-sdk/client-chime-sdk-identity';
import { CreateChannelCommand, SendChannelMessageCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { startChimeLocal } from './harness.mjs';
import { ofType, openSession, trustCa } from './messaging_harness.mjs';

describe('AppInstanceBot reply over the messaging session (amazon-chime-sdk-js)', () => {
  let emu;
  let session;

  before(async () => {
    emu = await startChimeLocal();
    trustCa(emu.caPem);
  });

  after(async () => {
    if (session) session.stop();
    if (emu) assert.equal(await emu.stop(), 0);
  });

  test('the bot answers a message and the session receives the reply', async () => {
    const { AppInstanceArn: app } = await emu.identity.send(new CreateAppInstanceCommand({ Name: 'bots' }));
    const { AppInstanceUserArn: ann } = await emu.identity.send(new CreateAppInstanceUserCommand({
      AppInstanceArn: app, AppInstanceUserId: 'ann', Name: 'Ann',
    }));
    const { AppInstanceBotArn: bot } = await emu.identity.send(new CreateAppInstanceBotCommand({
      AppInstanceArn: app, Name: 'Helper', ClientRequestToken: 'bot-1',
      Configuration: { Lex: {
        LexBotAliasArn: 'arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/KLMNOPQRST',
        LocaleId: 'en_US', InvokedBy: { StandardMessages: 'ALL', TargetedMessages: 'NONE' },
      } },
    }));
    const { ChannelArn: channel } = await emu.messaging.send(new CreateChannelCommand({
      AppInstanceArn: app, Name: 'help', ChimeBearer: ann, MemberArns: [bot],
    }));
    session = openSession(emu.endpoint, ann);
    await session.start();
    await emu.messaging.send(new SendChannelMessageCommand({
      ChannelArn: channel, Content: 'hello bot', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: ann,
    }));

    const list = await (await fetch(`${emu.endpoint}/_chime-local/bot-invocations`)).json();
    assert.equal(list.Invocations.length, 1);
    const [inv] = list.Invocations;
    assert.equal(inv.Request.text, 'hello bot');
    const res = await fetch(`${emu.endpoint}/_chime-local/bot-invocations/${inv.InvocationId}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        messages: [{ content: 'Hi Ann!', contentType: 'PlainText' }],
        sessionState: { intent: { name: 'Greet', state: 'Fulfilled' } },
        sessionId: inv.Request.sessionId,
      }),
    });
    assert.equal(res.status, 200);

    const m = await session.waitFor(ofType('CREATE_CHANNEL_MESSAGE', (p) => p.Sender.Arn === bot));
    const p = JSON.parse(m.payload);
    assert.equal(p.ChannelArn, channel);
    assert.deepEqual(p.Sender, { Arn: bot, Name: 'Helper' });
    assert.equal(p.ContentType, 'application/amz-chime-lex-msgs');
    assert.deepEqual(JSON.parse(p.Content), { Messages: [{ Content: 'Hi Ann!', ContentType: 'PlainText' }] });
    assert.deepEqual(p.MessageAttributes['CHIME.LEX.sessionState.intent.name'], { StringValues: ['Greet'] });
    assert.deepEqual(p.MessageAttributes['CHIME.LEX.sessionState.intent.state'], { StringValues: ['Fulfilled'] });
    assert.deepEqual(p.MessageAttributes['CHIME.LEX.sessionState.sessionId'], { StringValues: [inv.Request.sessionId] });
  });
});
