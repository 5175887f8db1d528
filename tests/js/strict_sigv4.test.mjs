// Strict SigV4 (issue 12) with the AWS SDK for JavaScript v3 (@smithy/signature-v4): the right
// signature works (an ARN path, a query, a UTF-8 body), a wrong secret is InvalidSignatureException
// 403, and a client whose clock is 20 minutes slow corrects itself from the Date header and
// succeeds on its retry, as against AWS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChimeSDKIdentityClient,
  CreateAppInstanceCommand,
  CreateAppInstanceUserCommand,
  ListAppInstancesCommand,
} from '@aws-sdk/client-chime-sdk-identity';
import {
  CreateChannelCommand,
  ListChannelMessagesCommand,
  SendChannelMessageCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { startChimeLocal, clientConfig, CREDENTIALS } from './harness.mjs';

let emu;
before(async () => {
  emu = await startChimeLocal({
    extraArgs: ['--sigv4', 'strict', '--credentials', `${CREDENTIALS.accessKeyId}:${CREDENTIALS.secretAccessKey}`],
  });
});
after(async () => {
  if (emu) assert.equal(await emu.stop(), 0, 'chime-local should exit cleanly on SIGTERM');
});

test('the right signature works: ARN in the path, a query, a UTF-8 body', async () => {
  const { AppInstanceArn } = await emu.identity.send(
    new CreateAppInstanceCommand({ Name: `js-${Date.now()}`, ClientRequestToken: `t-${Date.now()}` }));
  const { AppInstanceUserArn } = await emu.identity.send(new CreateAppInstanceUserCommand({
    AppInstanceArn, AppInstanceUserId: 'alice', Name: 'alice', ClientRequestToken: `u-${Date.now()}` }));
  const { ChannelArn } = await emu.messaging.send(new CreateChannelCommand({
    AppInstanceArn, Name: 'c', ChimeBearer: AppInstanceUserArn, ClientRequestToken: `c-${Date.now()}` }));
  for (const content of ['héllo 👋', 'two']) {
    await emu.messaging.send(new SendChannelMessageCommand({
      ChannelArn, ChimeBearer: AppInstanceUserArn, Content: content, Type: 'STANDARD',
      Persistence: 'PERSISTENT', ClientRequestToken: `m-${content.length}-${Date.now()}` }));
  }
  const page = await emu.messaging.send(new ListChannelMessagesCommand({
    ChannelArn, ChimeBearer: AppInstanceUserArn, MaxResults: 1, SortOrder: 'ASCENDING' }));
  assert.deepEqual(page.ChannelMessages.map((m) => m.Content), ['héllo 👋']);
});

test('a wrong secret is InvalidSignatureException 403', async () => {
  const wrong = new ChimeSDKIdentityClient({
    ...clientConfig(emu.endpoint), credentials: { ...CREDENTIALS, secretAccessKey: 'wrong' } });
  try {
    await assert.rejects(wrong.send(new ListAppInstancesCommand({})), (e) => {
      assert.equal(e.name, 'InvalidSignatureException', `${e.name}: ${e.message}`);
      assert.equal(e.$metadata.httpStatusCode, 403);
      assert.match(e.message, /^The request signature we calculated does not match the signature you provided/);
      return true;
    });
  } finally {
    wrong.destroy();
  }
});

test('a slow clock is corrected from the Date header on the retry', async () => {
  const slow = new ChimeSDKIdentityClient({
    ...clientConfig(emu.endpoint), maxAttempts: 2, systemClockOffset: -20 * 60 * 1000 });
  try {
    const out = await slow.send(new ListAppInstancesCommand({}));
    assert.equal(out.$metadata.attempts, 2);
    assert.ok(Math.abs(slow.config.systemClockOffset) < 60 * 1000, `offset ${slow.config.systemClockOffset}`);
  } finally {
    slow.destroy();
  }
  const once = new ChimeSDKIdentityClient({ ...clientConfig(emu.endpoint), systemClockOffset: -20 * 60 * 1000 });
  try {
    await assert.rejects(once.send(new ListAppInstancesCommand({})), (e) => {
      assert.equal(e.name, 'InvalidSignatureException');
      assert.match(e.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than/);
      return true;
    });
  } finally {
    once.destroy();
  }
});
