// chime-local's Node fixtures against the built binary ($CHIME_LOCAL_BIN): the control client,
// the launcher and the Jest/Vitest global setup. No dependencies: run with `node --test test/`.
// Imported through the package's own name (self-reference via "exports"), as a user imports it.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ChimeLocalControl, ChimeLocalError, startChimeLocal } from 'chime-local';

const APP = 'arn:aws:chime:us-east-1:123456789012:app-instance/00000000-0000-4000-8000-000000000001';
const ALICE = `${APP}/user/alice`;
const SEED = {
  AppInstances: [{ Name: 'demo', AppInstanceId: APP.split('/').pop() }],
  AppInstanceUsers: [{ AppInstanceArn: APP, AppInstanceUserId: 'alice', Name: 'Alice' }],
  Channels: [{ AppInstanceArn: APP, ChannelId: 'general', Name: 'General', ChimeBearer: ALICE },
    { AppInstanceArn: APP, ChannelId: 'scratch', Name: 'Scratch', ChimeBearer: ALICE,
      ExpirationSettings: { ExpirationDays: 1, ExpirationCriterion: 'CREATED_TIMESTAMP' } }],
};

/** An unsigned AWS call (the emulator checks no signature by default). */
async function aws(endpoint, method, path, body, headers = {}) {
  const res = await fetch(endpoint + path, {
    method, body: body && JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: res.status, body: await res.json() };
}

describe('ChimeLocalControl', () => {
  let chime;
  before(async () => { chime = await startChimeLocal(); });
  after(async () => { assert.equal(await chime.stop(), 0); });
  beforeEach(async () => { await chime.control.clock.reset(); await chime.control.reset(); });

  test('startChimeLocal names the endpoint and the CA', async () => {
    assert.match(chime.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(readFileSync(chime.caPemPath, 'utf8'), /BEGIN CERTIFICATE/);
    assert.equal(await chime.control.caPem(), readFileSync(chime.caPemPath, 'utf8'));
    assert.equal((await chime.control.health()).status, 'ok');
    assert.ok((await chime.control.operations())['chime-sdk-messaging'].implemented.includes('SendChannelMessage'));
  });

  test('seed, reset one app instance, reset all', async () => {
    const control = chime.control;
    assert.deepEqual((await control.seed(SEED)).AppInstances, [APP]);
    assert.deepEqual(await control.seed(SEED, { ifEmpty: true }), { skipped: true });
    const other = (await aws(chime.endpoint, 'POST', '/app-instances', { Name: 'o', ClientRequestToken: 'o-1' })).body.AppInstanceArn;
    assert.deepEqual(await control.reset({ appInstanceArn: APP }), { reset: true, appInstanceArn: APP });
    const listed = (await aws(chime.endpoint, 'GET', '/app-instances')).body.AppInstances.map((a) => a.AppInstanceArn);
    assert.deepEqual(listed, [other]);
    await assert.rejects(control.reset({ appInstanceArn: APP }), (e) => e instanceof ChimeLocalError && e.status === 404 && e.type === 'NotFoundException');
    await control.reset({ seed: false });
    assert.deepEqual((await aws(chime.endpoint, 'GET', '/app-instances')).body.AppInstances, []);
    await assert.rejects(control.seed({ AppInstances: [{ Nmae: 'typo' }] }),
      (e) => e.status === 400 && e.type === 'BadRequestException' && /Nmae/.test(e.message));
  });

  test('snapshot and restore', async () => {
    await chime.control.seed(SEED);
    const saved = await chime.control.snapshot();
    assert.equal(Buffer.from(saved.subarray(0, 15)).toString(), 'SQLite format 3');
    await chime.control.reset({ seed: false });
    assert.equal((await chime.control.restore(saved)).restored, true);
    assert.equal((await aws(chime.endpoint, 'GET', '/app-instances')).body.AppInstances.length, 1);
    await assert.rejects(chime.control.restore(new TextEncoder().encode('nope')), (e) => e.status === 400);
  });

  test('faults fire as the service errors, and go', async () => {
    const control = chime.control;
    const rule = await control.addFault({ operation: 'CreateAppInstance', error: 'ServiceUnavailableException' });
    assert.deepEqual((await control.faults()).map((f) => f.id), [rule.id]);
    const faulted = await aws(chime.endpoint, 'POST', '/app-instances', { Name: 'x', ClientRequestToken: 'x-1' });
    assert.equal(faulted.status, 503);
    await control.removeFault(rule.id);
    assert.equal((await control.addFault([{ operation: 'ListAppInstances', latencyMs: 1 }, { operation: 'DescribeAppInstance', error: 'NotFoundException' }])).length, 2);
    await control.clearFaults();
    assert.deepEqual(await control.faults(), []);
    await assert.rejects(control.addFault({ operation: 'Nope', error: 'BadRequestException' }), (e) => e.status === 400 && /Nope/.test(e.message));
    await assert.rejects(control.removeFault(424242), (e) => e.status === 404);
  });

  test('throttle settings', async () => {
    assert.equal((await chime.control.throttle()).enabled, false);
    assert.equal((await chime.control.throttle({ enabled: true, quotas: { ChannelMessageApis: 2 } })).enabled, true);
    const settings = await chime.control.throttle({ enabled: false, reset: true });
    const quota = settings.quotas.find((q) => q.name === 'ChannelMessageApis');
    assert.equal(quota.rate, quota.defaultRate);
    await assert.rejects(chime.control.throttle({ quotas: { NoSuchQuota: 1 } }), (e) => e.status === 400);
  });

  test('the clock moves forward and expires a channel', async () => {
    const clock = chime.control.clock;
    await chime.control.seed(SEED);
    assert.equal((await clock.get()).offsetSeconds, 0);
    assert.equal((await clock.advance(2 * 86400)).expired.channels, 1);
    const target = new Date(Date.now() + 3 * 86400 * 1000);
    await clock.set(target);
    assert.ok(Math.abs(await clock.now() - target.getTime() / 1000) < 5);
    await assert.rejects(clock.set(new Date()), RangeError);
    await clock.reset();
    assert.equal((await clock.get()).offsetSeconds, 0);
  });

  test('the request journal', async () => {
    const since = new Date(Date.now() - 5000);
    await chime.control.seed(SEED);
    const channel = `${APP}/channel/general`;
    const sent = await aws(chime.endpoint, 'POST', `/channels/${encodeURIComponent(channel)}/messages`,
      { Content: 'hi', Type: 'STANDARD', Persistence: 'PERSISTENT', ClientRequestToken: 'm-1' }, { 'x-amz-chime-bearer': ALICE });
    assert.equal(sent.status, 201);
    const journal = await chime.control.requests({ operation: 'SendChannelMessage', status: 201, bearer: ALICE, channelArn: channel, since, limit: 5 });
    assert.equal(journal.length, 1);
    assert.equal(journal[0].input.Content, '***');
    await chime.control.clearRequests();
    assert.deepEqual(await chime.control.requests(), []);
    assert.deepEqual(await chime.control.flowInvocations(), []);
    assert.equal(await chime.control.runFlowProcessor(() => assert.fail('no invocation waits')), 0);
  });

  test('playing a Lex bot', async () => {
    await chime.control.seed(SEED);
    const channel = `${APP}/channel/general`;
    const bot = (await aws(chime.endpoint, 'POST', '/app-instance-bots', {
      AppInstanceArn: APP, Name: 'Helper', ClientRequestToken: 'bot-1',
      Configuration: { Lex: {
        LexBotAliasArn: 'arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/KLMNOPQRST', LocaleId: 'en_US',
        InvokedBy: { StandardMessages: 'ALL', TargetedMessages: 'NONE' },
      } },
    })).body.AppInstanceBotArn;
    const joined = await aws(chime.endpoint, 'POST', `/channels/${encodeURIComponent(channel)}/memberships`,
      { MemberArn: bot, Type: 'DEFAULT' }, { 'x-amz-chime-bearer': ALICE });
    assert.equal(joined.status, 201);
    await aws(chime.endpoint, 'POST', `/channels/${encodeURIComponent(channel)}/messages`,
      { Content: 'hello bot', Type: 'STANDARD', Persistence: 'PERSISTENT', ClientRequestToken: 'b-1' }, { 'x-amz-chime-bearer': ALICE });
    const [inv] = await chime.control.botInvocations();
    assert.equal(inv.AppInstanceBotArn, bot);
    const answered = await chime.control.runLexBot((request) => ({
      messages: [{ content: `you said ${request.text}`, contentType: 'PlainText' }],
      sessionState: { intent: { name: 'Echo', state: 'Fulfilled' } },
    }));
    assert.equal(answered, 1);
    assert.deepEqual(await chime.control.botInvocations(), []);
    const event = await chime.control.waitForEvent({
      channelArn: channel, type: 'CREATE_CHANNEL_MESSAGE', predicate: (e) => e.payload.Sender.Arn === bot,
    });
    assert.equal(event.payload.ContentType, 'application/amz-chime-lex-msgs');
    assert.deepEqual(JSON.parse(event.payload.Content), { Messages: [{ Content: 'you said hello bot', ContentType: 'PlainText' }] });
    await assert.rejects(chime.control.answerBotInvocation('0'.repeat(64), { messages: [] }),
      (e) => e instanceof ChimeLocalError && e.status === 404);
  });

  test('wait for a message event without a WebSocket', async () => {
    await chime.control.seed(SEED);
    const channel = `${APP}/channel/general`;
    const send = (content, token) => aws(chime.endpoint, 'POST', `/channels/${encodeURIComponent(channel)}/messages`,
      { Content: content, Type: 'STANDARD', Persistence: 'PERSISTENT', ClientRequestToken: token }, { 'x-amz-chime-bearer': ALICE });
    const later = new Promise((resolve) => setTimeout(() => resolve(send('hello', 'e-1')), 300));
    const event = await chime.control.waitForEvent({ channelArn: channel, type: 'CREATE_CHANNEL_MESSAGE' });
    assert.equal((await later).status, 201);
    assert.equal(event.payload.Content, 'hello');
    assert.equal(event.message.Headers['x-amz-chime-event-type'], 'CREATE_CHANNEL_MESSAGE');
    assert.equal(JSON.parse(event.message.Payload).MessageId, event.payload.MessageId);
    assert.deepEqual(event.recipients, [ALICE]);
    await send('second', 'e-2');
    const next = await chime.control.waitForEvent({ memberArn: ALICE, after: event.seq, predicate: (e) => e.payload.Content === 'second' });
    assert.ok(next.seq > event.seq);
    await assert.rejects(chime.control.waitForEvent({ channelArn: channel, type: ['DELETE_CHANNEL_MESSAGE'], timeoutMs: 300 }), /no event matching/);
    await chime.control.clearEvents();
    assert.deepEqual(await chime.control.events(), []);
  });

  test('a flow message is pending, then sent', async () => {
    await chime.control.seed(SEED);
    const channel = `${APP}/channel/general`;
    const path = `/channels/${encodeURIComponent(channel)}`;
    const flow = (await aws(chime.endpoint, 'POST', '/channel-flows', {
      AppInstanceArn: APP, Name: 'moderation', ClientRequestToken: 'flow-1',
      Processors: [{ Name: 'moderator', ExecutionOrder: 1, FallbackAction: 'ABORT', Configuration: { Lambda: {
        ResourceArn: 'arn:aws:lambda:us-east-1:123456789012:function:moderator', InvocationType: 'ASYNC' } } }],
    })).body.ChannelFlowArn;
    assert.equal((await aws(chime.endpoint, 'PUT', `${path}/channel-flow`, { ChannelFlowArn: flow }, { 'x-amz-chime-bearer': ALICE })).status, 200);
    const sent = (await aws(chime.endpoint, 'POST', `${path}/messages`,
      { Content: 'held', Type: 'STANDARD', Persistence: 'PERSISTENT', ClientRequestToken: 'f-1' }, { 'x-amz-chime-bearer': ALICE })).body;
    const pending = await chime.control.waitForEvent({ channelArn: channel, type: 'PENDING_CREATE_CHANNEL_MESSAGE' });
    assert.equal(pending.payload.MessageId, sent.MessageId);
    await chime.control.runFlowProcessor(async (event) => {
      const answered = await aws(chime.endpoint, 'POST', `${path}?operation=channel-flow-callback`, {
        CallbackId: event.CallbackId, ChannelMessage: { MessageId: event.ChannelMessage.MessageId, Content: 'ok' } });
      assert.equal(answered.status, 200);
    });
    const delivered = await chime.control.waitForEvent({ channelArn: channel, type: 'CREATE_CHANNEL_MESSAGE', after: pending.seq });
    assert.equal(delivered.payload.MessageId, sent.MessageId);
    assert.equal(delivered.payload.Content, 'ok');
  });

  test('an unknown endpoint is a ChimeLocalError', async () => {
    await assert.rejects(new ChimeLocalControl(chime.endpoint).call('GET', 'no-such-endpoint'),
      (e) => e instanceof ChimeLocalError && e.status === 404 && /no-such-endpoint/.test(e.message));
  });
});

describe('startChimeLocal', () => {
  test('extra args, and a shared emulator by endpoint is not stopped', async () => {
    const own = await startChimeLocal({ args: ['--account-id', '111122223333'] });
    try {
      const created = await aws(own.endpoint, 'POST', '/app-instances', { Name: 'x', ClientRequestToken: 'x-1' });
      assert.match(created.body.AppInstanceArn, /:111122223333:/);
      const shared = await startChimeLocal({ endpoint: own.endpoint });
      assert.equal(shared.owned, false);
      await shared.stop();
      assert.equal((await own.control.health()).status, 'ok');
    } finally {
      assert.equal(await own.stop(), 0);
    }
  });

  test('a failed start says why', async () => {
    await assert.rejects(startChimeLocal({ args: ['--no-such-flag'] }), /exited with code 2[\s\S]*no-such-flag/);
    await assert.rejects(startChimeLocal({ bin: '/nonexistent/chime-local' }), /cannot run|exited/);
  });
});
