// AWS SDK for JavaScript v3 against chime-local: the ChimeBearer of CreateChannel is a DEFAULT
// member and a moderator, so it sends right after CreateChannel; adding it again rejects with
// ConflictException; moderator reads are refused to plain members (ForbiddenException).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAppInstanceCommand,
  CreateAppInstanceUserCommand,
} from '@aws-sdk/client-chime-sdk-identity';
import {
  CreateChannelCommand,
  CreateChannelMembershipCommand,
  DescribeChannelMembershipCommand,
  ListChannelMembershipsCommand,
  ListChannelModeratorsCommand,
  SendChannelMessageCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { startChimeLocal } from './harness.mjs';

let emu;
let app;
let owner;
let alice;

before(async () => {
  emu = await startChimeLocal();
  ({ AppInstanceArn: app } = await emu.identity.send(new CreateAppInstanceCommand({ Name: `js-${Date.now()}` })));
  const user = async (id) => (await emu.identity.send(new CreateAppInstanceUserCommand({
    AppInstanceArn: app, AppInstanceUserId: id, Name: `Name ${id}`,
  }))).AppInstanceUserArn;
  owner = await user('owner');
  alice = await user('alice');
});

after(async () => {
  if (emu) assert.equal(await emu.stop(), 0, 'chime-local should exit cleanly on SIGTERM');
});

for (const Mode of ['UNRESTRICTED', 'RESTRICTED']) {
  test(`the creator of a ${Mode} PRIVATE channel sends right after CreateChannel`, async () => {
    const { ChannelArn } = await emu.messaging.send(new CreateChannelCommand({
      AppInstanceArn: app, Name: `creator-${Mode}`, Mode, Privacy: 'PRIVATE', ChimeBearer: owner,
    }));
    const sent = await emu.messaging.send(new SendChannelMessageCommand({
      ChannelArn, ChimeBearer: owner, Content: 'first', Type: 'STANDARD', Persistence: 'PERSISTENT',
    }));
    assert.equal(sent.$metadata.httpStatusCode, 201);
    const { ChannelMembership: m } = await emu.messaging.send(new DescribeChannelMembershipCommand({
      ChannelArn, MemberArn: owner, ChimeBearer: owner,
    }));
    assert.equal(m.Type, 'DEFAULT');
    assert.equal(m.InvitedBy.Arn, owner);
  });
}

test('re-adding the creator rejects with ConflictException', async () => {
  const { ChannelArn } = await emu.messaging.send(new CreateChannelCommand({
    AppInstanceArn: app, Name: 'conflict', ChimeBearer: owner, MemberArns: [alice],
  }));
  const listed = await emu.messaging.send(new ListChannelMembershipsCommand({ ChannelArn, ChimeBearer: alice }));
  assert.deepEqual(new Set(listed.ChannelMemberships.map((x) => x.Member.Arn)), new Set([owner, alice]));
  await assert.rejects(
    emu.messaging.send(new CreateChannelMembershipCommand({
      ChannelArn, MemberArn: owner, Type: 'DEFAULT', ChimeBearer: owner,
    })),
    (e) => {
      assert.equal(e.name, 'ConflictException');
      assert.equal(e.$metadata.httpStatusCode, 409);
      return true;
    },
  );
});

test('a plain member cannot list moderators (ForbiddenException), the creator can', async () => {
  const { ChannelArn } = await emu.messaging.send(new CreateChannelCommand({
    AppInstanceArn: app, Name: 'mods', Privacy: 'PUBLIC', ChimeBearer: owner, MemberArns: [alice],
  }));
  await assert.rejects(
    emu.messaging.send(new ListChannelModeratorsCommand({ ChannelArn, ChimeBearer: alice })),
    (e) => e.name === 'ForbiddenException' && e.$metadata.httpStatusCode === 403,
  );
  const mods = await emu.messaging.send(new ListChannelModeratorsCommand({ ChannelArn, ChimeBearer: owner }));
  assert.deepEqual(mods.ChannelModerators.map((x) => x.Moderator.Arn), [owner]);
});
