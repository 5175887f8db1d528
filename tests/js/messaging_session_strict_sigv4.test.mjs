// Strict SigV4 and the messaging session: unmodified amazon-chime-sdk-js presigns its wss://
// /connect URL (DefaultSigV4, service chime, 10-second expiry) with the client's credentials;
// with --sigv4 strict and those credentials the session starts and receives a message, as
// against AWS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateAppInstanceCommand, CreateAppInstanceUserCommand } from '@aws-sdk/client-chime-sdk-identity';
import { CreateChannelCommand, SendChannelMessageCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { startChimeLocal, CREDENTIALS } from './harness.mjs';
import { openSession, ofType, trustCa } from './messaging_harness.mjs';

let dir;
let emu;
let session;
before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'chime-ws-sigv4-'));
  emu = await startChimeLocal({
    dataFile: path.join(dir, 'chime.sqlite3'),
    extraArgs: ['--sigv4', 'strict', '--credentials', `${CREDENTIALS.accessKeyId}:${CREDENTIALS.secretAccessKey}`],
  });
  trustCa(emu.caPem);
});
after(async () => {
  if (session) session.stop();
  if (emu) assert.equal(await emu.stop(), 0, 'chime-local should exit cleanly on SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

test('a session presigned by amazon-chime-sdk-js starts and receives under --sigv4 strict', async () => {
  const { AppInstanceArn } = await emu.identity.send(new CreateAppInstanceCommand({ Name: 'ws' }));
  const user = async (id) => (await emu.identity.send(new CreateAppInstanceUserCommand({
    AppInstanceArn, AppInstanceUserId: id, Name: id }))).AppInstanceUserArn;
  const alice = await user('alice');
  const bob = await user('bob');
  const { ChannelArn } = await emu.messaging.send(new CreateChannelCommand({
    AppInstanceArn, Name: 'room', ChimeBearer: alice, MemberArns: [bob] }));
  session = openSession(emu.endpoint, bob);
  await session.start();
  await session.waitFor(ofType('SESSION_ESTABLISHED'), 3000, 'SESSION_ESTABLISHED');
  await emu.messaging.send(new SendChannelMessageCommand({
    ChannelArn, Content: 'signed hello', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: alice,
    ClientRequestToken: 't-1' }));
  const m = await session.waitFor(ofType('CREATE_CHANNEL_MESSAGE'), 3000, 'CREATE_CHANNEL_MESSAGE');
  assert.equal(JSON.parse(m.payload).Content, 'signed hello');
});
