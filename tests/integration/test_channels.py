"""Channels, memberships and moderators through boto3 (and the AWS CLI for create/describe):
every Mode x Privacy, DEFAULT/HIDDEN memberships, moderators, pagination, and the modeled
exception classes for each refusal."""

import itertools
import unittest

from harness import ChimeTestCase, unique_name


class ChannelTestBase(ChimeTestCase):
    def setUp(self):
        self.make_channel_cast()

    def member_arns(self, channel, bearer, **kw):
        resp = self.messaging.list_channel_memberships(ChannelArn=channel, ChimeBearer=bearer, **kw)
        return {m["Member"]["Arn"] for m in resp["ChannelMemberships"]}


class ChannelTests(ChannelTestBase):
    def test_each_mode_and_privacy(self):
        for mode, privacy in itertools.product(("UNRESTRICTED", "RESTRICTED"), ("PUBLIC", "PRIVATE")):
            with self.subTest(mode=mode, privacy=privacy):
                name = unique_name("ch")
                arn = self.make_channel(self.app, self.owner, Name=name, Mode=mode, Privacy=privacy,
                                        Metadata="meta", MemberArns=[self.alice])
                self.assertTrue(arn.startswith(self.app + "/channel/"), arn)
                ch = self.messaging.describe_channel(ChannelArn=arn, ChimeBearer=self.alice)["Channel"]
                self.assertEqual(ch["Name"], name)
                self.assertEqual(ch["ChannelArn"], arn)
                self.assertEqual(ch["Mode"], mode)
                self.assertEqual(ch["Privacy"], privacy)
                self.assertEqual(ch["Metadata"], "meta")
                self.assertEqual(ch["CreatedBy"], {"Arn": self.owner, "Name": "Owner"})
                self.assertEqual(ch["CreatedTimestamp"].year, ch["LastUpdatedTimestamp"].year)
                self.assertGreater(ch["CreatedTimestamp"].year, 2020)
                # Bob is not a member: PUBLIC is readable, PRIVATE is not.
                if privacy == "PUBLIC":
                    self.messaging.describe_channel(ChannelArn=arn, ChimeBearer=self.bob)
                else:
                    with self.assertClientError("ForbiddenException"):
                        self.messaging.describe_channel(ChannelArn=arn, ChimeBearer=self.bob)
                # A member may add others only to UNRESTRICTED channels.
                if mode == "UNRESTRICTED":
                    self.messaging.create_channel_membership(
                        ChannelArn=arn, MemberArn=self.bob, Type="DEFAULT", ChimeBearer=self.alice)
                else:
                    with self.assertClientError("ForbiddenException"):
                        self.messaging.create_channel_membership(
                            ChannelArn=arn, MemberArn=self.bob, Type="DEFAULT", ChimeBearer=self.alice)

    def test_defaults_channel_id_and_conflicts(self):
        arn = self.make_channel(self.app, self.owner, ChannelId="room-1")
        self.assertEqual(arn, self.app + "/channel/room-1")
        ch = self.messaging.describe_channel(ChannelArn=arn, ChimeBearer=self.owner)["Channel"]
        self.assertEqual((ch["Mode"], ch["Privacy"]), ("UNRESTRICTED", "PUBLIC"))
        with self.assertClientError("ConflictException"):
            self.make_channel(self.app, self.alice, ChannelId="room-1")

    def test_client_request_token(self):
        a = self.messaging.create_channel(AppInstanceArn=self.app, Name="n", ClientRequestToken="tok-123",
                                          ChimeBearer=self.owner)
        b = self.messaging.create_channel(AppInstanceArn=self.app, Name="n", ClientRequestToken="tok-123",
                                          ChimeBearer=self.owner)
        self.assertEqual(a["ChannelArn"], b["ChannelArn"])
        with self.assertClientError("ConflictException"):
            self.messaging.create_channel(AppInstanceArn=self.app, Name="other", ClientRequestToken="tok-123",
                                          ChimeBearer=self.owner)

    def test_elastic_and_expiration_settings_echoed(self):
        arn = self.make_channel(
            self.app, self.owner, Mode="RESTRICTED",
            ElasticChannelConfiguration={"MaximumSubChannels": 3, "TargetMembershipsPerSubChannel": 2,
                                         "MinimumMembershipPercentage": 10},
            ExpirationSettings={"ExpirationDays": 30, "ExpirationCriterion": "LAST_MESSAGE_TIMESTAMP"})
        ch = self.messaging.describe_channel(ChannelArn=arn, ChimeBearer=self.owner)["Channel"]
        self.assertEqual(ch["ElasticChannelConfiguration"],
                         {"MaximumSubChannels": 3, "TargetMembershipsPerSubChannel": 2,
                          "MinimumMembershipPercentage": 10})
        self.assertEqual(ch["ExpirationSettings"],
                         {"ExpirationDays": 30, "ExpirationCriterion": "LAST_MESSAGE_TIMESTAMP"})
        subs = [self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=u, Type="DEFAULT",
                                                         ChimeBearer=self.owner)["SubChannelId"]
                for u in (self.alice, self.bob, self.carol)]
        self.assertEqual(subs, ["1", "1", "2"])
        listed = self.messaging.list_sub_channels(ChannelArn=arn, ChimeBearer=self.owner)["SubChannels"]
        self.assertEqual(listed, [{"SubChannelId": "1", "MembershipCount": 2},
                                  {"SubChannelId": "2", "MembershipCount": 1}])

    def test_tags_stored(self):
        arn = self.make_channel(self.app, self.owner, Tags=[{"Key": "team", "Value": "blue"}])
        tags = self.messaging.list_tags_for_resource(ResourceARN=arn)["Tags"]
        self.assertEqual(tags, [{"Key": "team", "Value": "blue"}])

    def test_bearer_of_other_app_instance_is_forbidden(self):
        other = self.make_user(self.make_app_instance())
        with self.assertClientError("ForbiddenException"):
            self.make_channel(self.app, other)

    def test_unknown_bearer_is_unauthorized(self):
        with self.assertClientError("UnauthorizedClientException") as ctx:
            self.make_channel(self.app, self.app + "/user/ghost")
        self.assertIn("x-amz-chime-bearer", ctx.message)

    def test_invalid_input_without_client_validation_is_bad_request(self):
        with self.assertClientError("BadRequestException"):
            self.raw_messaging.create_channel(AppInstanceArn=self.app, Name="n", Mode="SOMETIMES",
                                              ClientRequestToken="tok-bad-mode", ChimeBearer=self.owner)
        with self.assertClientError("BadRequestException"):
            self.raw_messaging.create_channel(AppInstanceArn=self.app, Name="n", ChimeBearer=self.owner,
                                              ClientRequestToken="tok-many",
                                              MemberArns=[self.alice] * 11)

    def test_list_channels_privacy(self):
        pub = self.make_channel(self.app, self.owner, Privacy="PUBLIC")
        priv = self.make_channel(self.app, self.owner, Privacy="PRIVATE")

        def arns(bearer, **kw):
            resp = self.messaging.list_channels(AppInstanceArn=self.app, ChimeBearer=bearer, **kw)
            return {c["ChannelArn"] for c in resp["Channels"]}

        self.assertEqual(arns(self.alice), {pub})
        self.assertEqual(arns(self.alice, Privacy="PUBLIC"), {pub})
        with self.assertClientError("ForbiddenException"):
            arns(self.alice, Privacy="PRIVATE")
        self.assertEqual(arns(self.admin, Privacy="PRIVATE"), {priv})
        self.assertEqual(arns(self.admin), {pub, priv})
        summary = self.messaging.list_channels(AppInstanceArn=self.app, ChimeBearer=self.alice)["Channels"][0]
        self.assertEqual(set(summary), {"Name", "ChannelArn", "Mode", "Privacy"})

    def test_list_channels_pagination(self):
        created = [self.make_channel(self.app, self.owner, Name=f"p{i}") for i in range(5)]
        seen, token = [], None
        while True:
            kw = {"NextToken": token} if token else {}
            resp = self.messaging.list_channels(AppInstanceArn=self.app, ChimeBearer=self.alice,
                                                MaxResults=2, **kw)
            self.assertLessEqual(len(resp["Channels"]), 2)
            seen += [c["ChannelArn"] for c in resp["Channels"]]
            if len(seen) == 2:
                created.append(self.make_channel(self.app, self.owner, Name="late"))
            token = resp.get("NextToken")
            if not token:
                break
        self.assertEqual(seen, created)

    def test_update_and_delete(self):
        arn = self.make_channel(self.app, self.owner, MemberArns=[self.alice])
        with self.assertClientError("ForbiddenException"):
            self.messaging.update_channel(ChannelArn=arn, Name="x", ChimeBearer=self.alice)
        self.messaging.update_channel(ChannelArn=arn, Name="renamed", Mode="RESTRICTED", ChimeBearer=self.owner)
        ch = self.messaging.describe_channel(ChannelArn=arn, ChimeBearer=self.alice)["Channel"]
        self.assertEqual((ch["Name"], ch["Mode"]), ("renamed", "RESTRICTED"))
        with self.assertClientError("ForbiddenException"):
            self.messaging.delete_channel(ChannelArn=arn, ChimeBearer=self.alice)
        resp = self.messaging.delete_channel(ChannelArn=arn, ChimeBearer=self.owner)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        with self.assertClientError("ForbiddenException"):
            self.messaging.describe_channel(ChannelArn=arn, ChimeBearer=self.owner)

    def test_aws_cli_create_and_describe_channel(self):
        rc, created, err = self.run_aws(
            "chime-sdk-messaging", "create-channel", "--app-instance-arn", self.app, "--name", "cli-chan",
            "--mode", "RESTRICTED", "--privacy", "PRIVATE", "--chime-bearer", self.owner, expect_rc=0)
        arn = created["ChannelArn"]
        self.assertTrue(arn.startswith(self.app + "/channel/"), arn)
        rc, described, err = self.run_aws(
            "chime-sdk-messaging", "describe-channel", "--channel-arn", arn, "--chime-bearer", self.owner,
            expect_rc=0)
        ch = described["Channel"]
        self.assertEqual((ch["Name"], ch["Mode"], ch["Privacy"]), ("cli-chan", "RESTRICTED", "PRIVATE"))
        self.assertEqual(ch["CreatedBy"]["Arn"], self.owner)
        rc, _, err = self.run_aws(
            "chime-sdk-messaging", "describe-channel", "--channel-arn", arn, "--chime-bearer", self.bob)
        self.assertNotEqual(rc, 0)
        self.assertIn("ForbiddenException", err)


class MembershipTests(ChannelTestBase):
    def test_default_and_hidden(self):
        arn = self.make_channel(self.app, self.owner, MemberArns=[self.alice])
        resp = self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.bob, Type="HIDDEN",
                                                        ChimeBearer=self.owner)
        self.assertEqual(resp["ChannelArn"], arn)
        self.assertEqual(resp["Member"], {"Arn": self.bob, "Name": "Bob"})
        self.assertEqual(self.member_arns(arn, self.alice), {self.owner, self.alice})
        self.assertEqual(self.member_arns(arn, self.alice, Type="HIDDEN"), {self.bob})
        self.assertEqual(self.member_arns(arn, self.alice, Type="DEFAULT"), {self.owner, self.alice})
        # Only moderators and admins create HIDDEN memberships.
        with self.assertClientError("ForbiddenException"):
            self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.carol, Type="HIDDEN",
                                                     ChimeBearer=self.alice)
        m = self.messaging.describe_channel_membership(ChannelArn=arn, MemberArn=self.bob,
                                                       ChimeBearer=self.owner)["ChannelMembership"]
        self.assertEqual(m["Type"], "HIDDEN")
        self.assertEqual(m["InvitedBy"], {"Arn": self.owner, "Name": "Owner"})
        self.assertEqual(m["Member"]["Arn"], self.bob)
        self.assertEqual(m["ChannelArn"], arn)
        self.assertIn("CreatedTimestamp", m)
        self.assertIn("LastUpdatedTimestamp", m)

    def test_member_adding_to_restricted_is_forbidden(self):
        arn = self.make_channel(self.app, self.owner, Mode="RESTRICTED", MemberArns=[self.alice])
        with self.assertClientError("ForbiddenException"):
            self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.bob, Type="DEFAULT",
                                                     ChimeBearer=self.alice)
        self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.bob, Type="DEFAULT",
                                                 ChimeBearer=self.admin)
        self.assertEqual(self.member_arns(arn, self.owner), {self.owner, self.alice, self.bob})

    def test_non_member_cannot_add_others(self):
        arn = self.make_channel(self.app, self.owner, Privacy="PUBLIC")
        with self.assertClientError("ForbiddenException"):
            self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.bob, Type="DEFAULT",
                                                     ChimeBearer=self.carol)
        with self.assertClientError("ForbiddenException"):
            self.messaging.batch_create_channel_membership(ChannelArn=arn, MemberArns=[self.carol, self.bob],
                                                           ChimeBearer=self.carol)
        self.assertEqual(self.member_arns(arn, self.owner), {self.owner})

    def test_anyone_joins_a_public_channel_itself(self):
        # Developer guide, "Amazon Chime SDK messaging concepts": public channels let any user
        # add themselves as a member; RESTRICTED only limits who adds others.
        for mode in ("UNRESTRICTED", "RESTRICTED"):
            with self.subTest(mode=mode):
                arn = self.make_channel(self.app, self.owner, Privacy="PUBLIC", Mode=mode)
                self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.carol, Type="DEFAULT",
                                                         ChimeBearer=self.carol)
                self.messaging.batch_create_channel_membership(ChannelArn=arn, MemberArns=[self.bob],
                                                               ChimeBearer=self.bob)
                self.assertEqual(self.member_arns(arn, self.owner), {self.owner, self.carol, self.bob})
                self.messaging.send_channel_message(ChannelArn=arn, Content="hi", Type="STANDARD",
                                                    Persistence="PERSISTENT", ChimeBearer=self.carol)
        arn = self.make_channel(self.app, self.owner, Privacy="PUBLIC")
        with self.assertClientError("ForbiddenException"):  # HIDDEN needs a moderator
            self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.carol, Type="HIDDEN",
                                                     ChimeBearer=self.carol)

    def test_nobody_joins_a_private_channel_itself(self):
        arn = self.make_channel(self.app, self.owner, Privacy="PRIVATE")
        with self.assertClientError("ForbiddenException"):
            self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.carol, Type="DEFAULT",
                                                     ChimeBearer=self.carol)

    def test_a_banned_user_cannot_join_a_public_channel(self):
        arn = self.make_channel(self.app, self.owner, Privacy="PUBLIC")
        self.messaging.create_channel_ban(ChannelArn=arn, MemberArn=self.carol, ChimeBearer=self.owner)
        with self.assertClientError("ForbiddenException"):
            self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.carol, Type="DEFAULT",
                                                     ChimeBearer=self.carol)

    def test_joining_an_elastic_public_channel_itself_gets_a_sub_channel(self):
        self.requireModel(self.messaging, "CreateChannel", "ElasticChannelConfiguration")
        arn = self.make_channel(self.app, self.owner, Privacy="PUBLIC", Mode="RESTRICTED",
                                ElasticChannelConfiguration={"MaximumSubChannels": 2,
                                                             "TargetMembershipsPerSubChannel": 2,
                                                             "MinimumMembershipPercentage": 10})
        resp = self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.carol, Type="DEFAULT",
                                                        ChimeBearer=self.carol)
        self.assertEqual(resp["SubChannelId"], "1")

    def test_describe_membership_of_non_member_is_not_found(self):
        arn = self.make_channel(self.app, self.owner)
        with self.assertClientError("NotFoundException"):
            self.messaging.describe_channel_membership(ChannelArn=arn, MemberArn=self.bob,
                                                       ChimeBearer=self.owner)

    def test_private_membership_list_needs_membership(self):
        arn = self.make_channel(self.app, self.owner, Privacy="PRIVATE", MemberArns=[self.alice])
        with self.assertClientError("ForbiddenException"):
            self.messaging.list_channel_memberships(ChannelArn=arn, ChimeBearer=self.bob)
        self.assertEqual(self.member_arns(arn, self.alice), {self.owner, self.alice})

    def test_membership_pagination(self):
        arn = self.make_channel(self.app, self.owner)
        users = [self.make_user(self.app) for _ in range(5)]
        for u in users:
            self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=u, Type="DEFAULT",
                                                     ChimeBearer=self.owner)
        seen, token = [], None
        while True:
            kw = {"NextToken": token} if token else {}
            resp = self.messaging.list_channel_memberships(ChannelArn=arn, ChimeBearer=self.owner,
                                                           MaxResults=2, **kw)
            seen += [m["Member"]["Arn"] for m in resp["ChannelMemberships"]]
            token = resp.get("NextToken")
            if not token:
                break
        self.assertEqual(seen, [self.owner] + users)  # the creator's membership comes first

    def test_batch_create(self):
        arn = self.make_channel(self.app, self.owner)
        ghost = self.app + "/user/ghost"
        resp = self.messaging.batch_create_channel_membership(
            ChannelArn=arn, MemberArns=[self.alice, ghost, self.bob], ChimeBearer=self.owner)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        batch = resp["BatchChannelMemberships"]
        self.assertEqual(batch["InvitedBy"]["Arn"], self.owner)
        self.assertEqual(batch["Type"], "DEFAULT")
        self.assertEqual(batch["ChannelArn"], arn)
        self.assertEqual([m["Arn"] for m in batch["Members"]], [self.alice, self.bob])
        self.assertEqual(len(resp["Errors"]), 1)
        self.assertEqual(resp["Errors"][0]["MemberArn"], ghost)
        self.assertEqual(resp["Errors"][0]["ErrorCode"], "NotFound")
        self.assertTrue(resp["Errors"][0]["ErrorMessage"])

    def test_delete_membership(self):
        arn = self.make_channel(self.app, self.owner, MemberArns=[self.alice, self.bob])
        with self.assertClientError("ForbiddenException"):
            self.messaging.delete_channel_membership(ChannelArn=arn, MemberArn=self.bob, ChimeBearer=self.alice)
        self.messaging.delete_channel_membership(ChannelArn=arn, MemberArn=self.alice, ChimeBearer=self.alice)
        self.messaging.delete_channel_membership(ChannelArn=arn, MemberArn=self.bob, ChimeBearer=self.owner)
        self.assertEqual(self.member_arns(arn, self.owner), {self.owner})

    def test_bot_can_be_a_member(self):
        bot = self.make_bot(self.app)
        arn = self.make_channel(self.app, self.owner, MemberArns=[bot])
        self.assertEqual(self.member_arns(arn, self.owner), {self.owner, bot})


class ModeratorTests(ChannelTestBase):
    def test_create_list_describe_delete(self):
        arn = self.make_channel(self.app, self.owner, ModeratorArns=[self.carol], MemberArns=[self.alice])
        mods = self.messaging.list_channel_moderators(ChannelArn=arn, ChimeBearer=self.carol)
        self.assertEqual(mods["ChannelArn"], arn)
        self.assertEqual({m["Moderator"]["Arn"] for m in mods["ChannelModerators"]}, {self.owner, self.carol})
        with self.assertClientError("ForbiddenException"):
            self.messaging.create_channel_moderator(ChannelArn=arn, ChannelModeratorArn=self.bob,
                                                    ChimeBearer=self.alice)
        resp = self.messaging.create_channel_moderator(ChannelArn=arn, ChannelModeratorArn=self.bob,
                                                       ChimeBearer=self.carol)
        self.assertEqual(resp["ChannelArn"], arn)
        self.assertEqual(resp["ChannelModerator"], {"Arn": self.bob, "Name": "Bob"})
        with self.assertClientError("ConflictException"):
            self.messaging.create_channel_moderator(ChannelArn=arn, ChannelModeratorArn=self.bob,
                                                    ChimeBearer=self.owner)
        d = self.messaging.describe_channel_moderator(ChannelArn=arn, ChannelModeratorArn=self.bob,
                                                      ChimeBearer=self.owner)["ChannelModerator"]
        self.assertEqual(d["Moderator"]["Arn"], self.bob)
        self.assertEqual(d["CreatedBy"]["Arn"], self.carol)
        page = self.messaging.list_channel_moderators(ChannelArn=arn, ChimeBearer=self.owner, MaxResults=2)
        self.assertEqual(len(page["ChannelModerators"]), 2)
        rest = self.messaging.list_channel_moderators(ChannelArn=arn, ChimeBearer=self.owner, MaxResults=2,
                                                      NextToken=page["NextToken"])
        self.assertEqual(len(rest["ChannelModerators"]), 1)
        self.assertNotIn("NextToken", rest)
        self.messaging.delete_channel_moderator(ChannelArn=arn, ChannelModeratorArn=self.bob,
                                                ChimeBearer=self.admin)
        with self.assertClientError("NotFoundException"):
            self.messaging.describe_channel_moderator(ChannelArn=arn, ChannelModeratorArn=self.bob,
                                                      ChimeBearer=self.owner)

    def test_moderator_of_other_app_instance_refused(self):
        arn = self.make_channel(self.app, self.owner)
        stranger = self.make_user(self.make_app_instance())
        with self.assertClientError("ForbiddenException"):
            self.messaging.create_channel_moderator(ChannelArn=arn, ChannelModeratorArn=stranger,
                                                    ChimeBearer=self.owner)

    def test_bans(self):
        arn = self.make_channel(self.app, self.owner, MemberArns=[self.alice, self.bob])
        self.messaging.create_channel_ban(ChannelArn=arn, MemberArn=self.bob, ChimeBearer=self.owner)
        self.assertEqual(self.member_arns(arn, self.owner), {self.owner, self.alice})
        with self.assertClientError("ForbiddenException"):
            self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.bob, Type="DEFAULT",
                                                     ChimeBearer=self.owner)
        with self.assertClientError("ForbiddenException"):
            self.messaging.create_channel_ban(ChannelArn=arn, MemberArn=self.owner, ChimeBearer=self.admin)
        bans = self.messaging.list_channel_bans(ChannelArn=arn, ChimeBearer=self.owner)["ChannelBans"]
        self.assertEqual([b["Member"]["Arn"] for b in bans], [self.bob])
        self.messaging.delete_channel_ban(ChannelArn=arn, MemberArn=self.bob, ChimeBearer=self.owner)
        self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.bob, Type="DEFAULT",
                                                 ChimeBearer=self.owner)


class CreatorTests(ChannelTestBase):
    """The ChimeBearer of CreateChannel is a DEFAULT member and a moderator (standard channels)."""

    def send(self, channel, bearer, content="hello"):
        return self.messaging.send_channel_message(ChannelArn=channel, Content=content, Type="STANDARD",
                                                   Persistence="PERSISTENT", ChimeBearer=bearer)

    def test_creator_sends_right_after_create_channel(self):
        for mode, privacy in itertools.product(("UNRESTRICTED", "RESTRICTED"), ("PUBLIC", "PRIVATE")):
            with self.subTest(mode=mode, privacy=privacy):
                arn = self.make_channel(self.app, self.alice, Mode=mode, Privacy=privacy)
                resp = self.send(arn, self.alice)
                self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 201)
                msgs = self.messaging.list_channel_messages(ChannelArn=arn, ChimeBearer=self.alice)
                self.assertEqual([m["Content"] for m in msgs["ChannelMessages"]], ["hello"])

    def test_creator_membership_is_visible_everywhere(self):
        arn = self.make_channel(self.app, self.owner, MemberArns=[self.alice])
        self.assertEqual(self.member_arns(arn, self.alice), {self.owner, self.alice})
        m = self.messaging.describe_channel_membership(ChannelArn=arn, MemberArn=self.owner,
                                                       ChimeBearer=self.alice)["ChannelMembership"]
        self.assertEqual(m["Type"], "DEFAULT")
        self.assertEqual(m["Member"], {"Arn": self.owner, "Name": "Owner"})
        self.assertEqual(m["InvitedBy"], {"Arn": self.owner, "Name": "Owner"})
        mine = self.messaging.list_channel_memberships_for_app_instance_user(
            AppInstanceUserArn=self.owner, ChimeBearer=self.owner)["ChannelMemberships"]
        self.assertEqual([c["ChannelSummary"]["ChannelArn"] for c in mine], [arn])
        self.assertEqual(mine[0]["AppInstanceUserMembershipSummary"]["Type"], "DEFAULT")
        moderated = self.messaging.list_channels_moderated_by_app_instance_user(
            AppInstanceUserArn=self.owner, ChimeBearer=self.owner)["Channels"]
        self.assertEqual([c["ChannelSummary"]["ChannelArn"] for c in moderated], [arn])

    def test_re_adding_the_creator_is_conflict(self):
        # Production apps treat this ConflictException as "already a member from creation".
        arn = self.make_channel(self.app, self.owner)
        for bearer in (self.owner, self.admin):
            with self.subTest(bearer=bearer), self.assertClientError("ConflictException") as ctx:
                self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.owner, Type="DEFAULT",
                                                         ChimeBearer=bearer)
            self.assertIn(self.owner, ctx.message)
        with self.assertClientError("ConflictException"):
            self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.owner, Type="HIDDEN",
                                                     ChimeBearer=self.owner)
        batch = self.messaging.batch_create_channel_membership(
            ChannelArn=arn, MemberArns=[self.owner, self.alice], ChimeBearer=self.owner)
        self.assertEqual([m["Arn"] for m in batch["BatchChannelMemberships"]["Members"]], [self.alice])
        self.assertEqual([(e["MemberArn"], e["ErrorCode"]) for e in batch["Errors"]], [(self.owner, "Conflict")])

    def test_existing_member_again_is_conflict(self):
        arn = self.make_channel(self.app, self.owner, MemberArns=[self.alice])
        with self.assertClientError("ConflictException"):
            self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.alice, Type="DEFAULT",
                                                     ChimeBearer=self.owner)

    def test_bot_creator_is_member_and_moderator(self):
        bot = self.make_bot(self.app)
        arn = self.make_channel(self.app, bot)
        self.send(arn, bot)
        self.assertEqual(self.member_arns(arn, bot), {bot})
        mods = self.messaging.list_channel_moderators(ChannelArn=arn, ChimeBearer=bot)["ChannelModerators"]
        self.assertEqual([m["Moderator"]["Arn"] for m in mods], [bot])

    def test_elastic_create_rules(self):
        # Developer guide, "Creating elastic channels": no MemberArns, no UNRESTRICTED mode.
        self.requireModel(self.messaging, "CreateChannel", "ElasticChannelConfiguration")
        elastic = {"MaximumSubChannels": 2, "TargetMembershipsPerSubChannel": 2, "MinimumMembershipPercentage": 10}
        for kw in ({"Mode": "RESTRICTED", "MemberArns": [self.alice]}, {"Mode": "UNRESTRICTED"}, {}):
            with self.subTest(**{k: str(v) for k, v in kw.items()}):
                with self.assertClientError("BadRequestException"):
                    self.make_channel(self.app, self.owner, ElasticChannelConfiguration=elastic, **kw)
        arn = self.make_channel(self.app, self.owner, Mode="RESTRICTED", ModeratorArns=[self.carol],
                                ElasticChannelConfiguration=elastic)
        self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.alice, Type="DEFAULT",
                                                 ChimeBearer=self.owner)
        with self.assertClientError("BadRequestException"):  # no membership preferences either
            self.messaging.put_channel_membership_preferences(
                ChannelArn=arn, MemberArn=self.alice, ChimeBearer=self.alice,
                Preferences={"PushNotifications": {"AllowNotifications": "ALL"}})
        with self.assertClientError("BadRequestException"):  # nor HIDDEN members
            self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.bob, Type="HIDDEN",
                                                     ChimeBearer=self.owner)
        # "Managing elastic channel members": regular members are placed by the service, so no
        # SubChannelId when adding or removing them; a moderator's membership is named by one.
        with self.assertClientError("BadRequestException"):
            self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.bob, Type="DEFAULT",
                                                     SubChannelId="1", ChimeBearer=self.owner)
        with self.assertClientError("BadRequestException"):
            self.messaging.delete_channel_membership(ChannelArn=arn, MemberArn=self.alice, SubChannelId="1",
                                                     ChimeBearer=self.owner)
        self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.carol, Type="DEFAULT",
                                                 SubChannelId="2", ChimeBearer=self.owner)
        with self.assertClientError("ForbiddenException"):  # NotFound is not modeled for this operation
            self.messaging.delete_channel_membership(ChannelArn=arn, MemberArn=self.carol, SubChannelId="1",
                                                     ChimeBearer=self.owner)
        self.messaging.delete_channel_membership(ChannelArn=arn, MemberArn=self.carol, SubChannelId="2",
                                                 ChimeBearer=self.owner)
        self.messaging.delete_channel_membership(ChannelArn=arn, MemberArn=self.alice, ChimeBearer=self.owner)

    def test_elastic_channel_creator_is_moderator_only(self):
        self.requireModel(self.messaging, "CreateChannel", "ElasticChannelConfiguration")
        arn = self.make_channel(self.app, self.owner, Mode="RESTRICTED", ElasticChannelConfiguration={
            "MaximumSubChannels": 2, "TargetMembershipsPerSubChannel": 2, "MinimumMembershipPercentage": 10})
        with self.assertClientError("NotFoundException"):
            self.messaging.describe_channel_membership(ChannelArn=arn, MemberArn=self.owner,
                                                       ChimeBearer=self.owner)
        self.messaging.describe_channel_moderator(ChannelArn=arn, ChannelModeratorArn=self.owner,
                                                  ChimeBearer=self.owner)
        # It joins a SubChannel of its choosing to send there.
        resp = self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.owner, Type="DEFAULT",
                                                        SubChannelId="1", ChimeBearer=self.owner)
        self.assertEqual(resp["SubChannelId"], "1")
        self.messaging.send_channel_message(ChannelArn=arn, Content="hi", Type="STANDARD",
                                            Persistence="PERSISTENT", SubChannelId="1", ChimeBearer=self.owner)

    def test_aws_cli_creator_sends_right_after_create_channel(self):
        _, created, _ = self.run_aws(
            "chime-sdk-messaging", "create-channel", "--app-instance-arn", self.app, "--name", "cli",
            "--mode", "RESTRICTED", "--chime-bearer", self.alice, expect_rc=0)
        arn = created["ChannelArn"]
        _, sent, _ = self.run_aws(
            "chime-sdk-messaging", "send-channel-message", "--channel-arn", arn, "--content", "hello",
            "--type", "STANDARD", "--persistence", "PERSISTENT", "--chime-bearer", self.alice, expect_rc=0)
        self.assertTrue(sent["MessageId"])
        rc, _, err = self.run_aws(
            "chime-sdk-messaging", "create-channel-membership", "--channel-arn", arn, "--member-arn", self.alice,
            "--type", "DEFAULT", "--chime-bearer", self.alice)
        self.assertNotEqual(rc, 0)
        self.assertIn("ConflictException", err)


class ModeratorReadTests(ChannelTestBase):
    """ListChannelModerators / DescribeChannelModerator: moderators and admins only, PUBLIC too."""

    def test_members_and_non_members_are_forbidden_on_public_channels(self):
        arn = self.make_channel(self.app, self.owner, Privacy="PUBLIC", MemberArns=[self.alice],
                                ModeratorArns=[self.carol])
        for who in (self.alice, self.bob):
            with self.subTest(bearer=who):
                with self.assertClientError("ForbiddenException"):
                    self.messaging.list_channel_moderators(ChannelArn=arn, ChimeBearer=who)
                with self.assertClientError("ForbiddenException"):
                    self.messaging.describe_channel_moderator(ChannelArn=arn, ChannelModeratorArn=self.owner,
                                                              ChimeBearer=who)
        for who in (self.owner, self.carol, self.admin):
            with self.subTest(bearer=who):
                mods = self.messaging.list_channel_moderators(ChannelArn=arn, ChimeBearer=who)
                self.assertEqual({m["Moderator"]["Arn"] for m in mods["ChannelModerators"]},
                                 {self.owner, self.carol})
                d = self.messaging.describe_channel_moderator(ChannelArn=arn, ChannelModeratorArn=self.carol,
                                                              ChimeBearer=who)
                self.assertEqual(d["ChannelModerator"]["Moderator"]["Arn"], self.carol)


class BanCleanupTests(ChannelTestBase):
    """"Bans are cleaned up when you delete users or channels" (CreateChannelBan)."""

    def test_deleted_user_is_unbanned_when_re_created(self):
        bob_id = self.bob.rsplit("/", 1)[1]
        arn = self.make_channel(self.app, self.owner, MemberArns=[self.bob, self.carol])
        self.messaging.create_channel_ban(ChannelArn=arn, MemberArn=self.bob, ChimeBearer=self.owner)
        self.messaging.create_channel_ban(ChannelArn=arn, MemberArn=self.carol, ChimeBearer=self.owner)
        self.identity.delete_app_instance_user(AppInstanceUserArn=self.bob)
        bans = self.messaging.list_channel_bans(ChannelArn=arn, ChimeBearer=self.owner)["ChannelBans"]
        self.assertEqual([b["Member"]["Arn"] for b in bans], [self.carol])
        again = self.identity.create_app_instance_user(AppInstanceArn=self.app, AppInstanceUserId=bob_id,
                                                       Name="Bob")["AppInstanceUserArn"]
        self.assertEqual(again, self.bob)
        with self.assertClientError("NotFoundException"):
            self.messaging.describe_channel_ban(ChannelArn=arn, MemberArn=self.bob, ChimeBearer=self.owner)
        self.messaging.create_channel_membership(ChannelArn=arn, MemberArn=self.bob, Type="DEFAULT",
                                                 ChimeBearer=self.owner)
        self.messaging.send_channel_message(ChannelArn=arn, Content="back", Type="STANDARD",
                                            Persistence="PERSISTENT", ChimeBearer=self.bob)

    def test_deleted_bot_bans_are_removed(self):
        bot = self.make_bot(self.app)
        arn = self.make_channel(self.app, self.owner, MemberArns=[bot])
        self.messaging.create_channel_ban(ChannelArn=arn, MemberArn=bot, ChimeBearer=self.owner)
        self.identity.delete_app_instance_bot(AppInstanceBotArn=bot)
        self.assertEqual(self.messaging.list_channel_bans(ChannelArn=arn, ChimeBearer=self.owner)["ChannelBans"], [])


if __name__ == "__main__":
    unittest.main()
