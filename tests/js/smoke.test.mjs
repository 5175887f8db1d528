// AWS SDK for JavaScript v3 against chime-local: a round trip and a modeled error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAppInstanceCommand,
  DescribeAppInstanceCommand,
} from '@aws-sdk/client-chime-sdk-identity';
import { startChimeLocal, REGION, ACCOUNT_ID } from './harness.mjs';

let emu;
before(async () => { emu = await startChimeLocal(); });
after(async () => {
  if (emu) assert.equal(await emu.stop(), 0, 'chime-local should exit cleanly on SIGTERM');
});

test('CreateAppInstance + DescribeAppInstance round trip', async () => {
  const name = `js-${Date.now()}`;
  const created = await emu.identity.send(new CreateAppInstanceCommand({ Name: name, Metadata: 'm' }));
  assert.match(created.AppInstanceArn,
    new RegExp(`^arn:aws:chime:${REGION}:${ACCOUNT_ID}:app-instance/[A-Za-z0-9-]+$`));
  const { AppInstance } = await emu.identity.send(
    new DescribeAppInstanceCommand({ AppInstanceArn: created.AppInstanceArn }));
  assert.equal(AppInstance.AppInstanceArn, created.AppInstanceArn);
  assert.equal(AppInstance.Name, name);
  assert.equal(AppInstance.Metadata, 'm');
  assert.ok(AppInstance.CreatedTimestamp instanceof Date);
});

test('an invalid call is a BadRequestException', async () => {
  await assert.rejects(
    emu.identity.send(new CreateAppInstanceCommand({ Name: '' })),
    (e) => {
      assert.equal(e.name, 'BadRequestException', `${e.name}: ${e.message}`);
      assert.equal(e.$metadata.httpStatusCode, 400);
      assert.equal(e.$fault, 'client');
      return true;
    });
});
