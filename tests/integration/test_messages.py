"""SendChannelMessage and message history through boto3 (and the AWS CLI): every service rule
asserted by the exception CLASS botocore raises."""

import datetime
import time
import unittest
import uuid

from harness import ChimeTestCase, unique_name


class MessagesTestBase(ChimeTestCase):
    def setUp(self):
        self.app = self.make_app_instance()
        self.alice = self.make_user(self.app, name="Alice")
        self.bob = self.make_user(self.app)
        self.carol = self.make_user(self.app)
        self.channel = self.make_channel(self.app, self.alice, Privacy="PRIVATE",
                                         MemberArns=[self.alice, self.bob, self.carol])

    def send(self, bearer, channel=None, client=None, **kw):
        kw.setdefault("Content", "hello")
        kw.setdefault("Type", "STANDARD")
        kw.setdefault("Persistence", "PERSISTENT")
        return (client or self.messaging).send_channel_message(
            ChannelArn=channel or self.channel, ChimeBearer=bearer, **kw)

    def list_ids(self, bearer, channel=None, **kw):
        resp = self.messaging.list_channel_messages(
            ChannelArn=channel or self.channel, ChimeBearer=bearer, **kw)
        return [m["MessageId"] for m in resp["ChannelMessages"]]

    def add_member(self, channel, member, bearer=None, **kw):
        return self.messaging.create_channel_membership(
            ChannelArn=channel, MemberArn=member, Type=kw.pop("Type", "DEFAULT"),
            ChimeBearer=bearer or self.alice, **kw)


class SendTest(MessagesTestBase):
    def test_send_returns_201_and_the_message_reads_back(self):
        resp = self.send(self.alice, Content="hi there", Metadata="meta", ContentType="text/plain",
                         MessageAttributes={"k": {"StringValues": ["v1", "v2"]}},
                         PushNotification={"Title": "T", "Body": "B", "Type": "DEFAULT"})
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual(resp["ChannelArn"], self.channel)
        self.assertRegex(resp["MessageId"], r"^[0-9a-f]{64}$")
        self.assertEqual(resp["Status"], {"Value": "SENT"})
        self.assertNotIn("SubChannelId", resp)

        msg = self.messaging.get_channel_message(
            ChannelArn=self.channel, MessageId=resp["MessageId"], ChimeBearer=self.bob)["ChannelMessage"]
        self.assertEqual(msg["Content"], "hi there")
        self.assertEqual(msg["Metadata"], "meta")
        self.assertEqual(msg["ContentType"], "text/plain")
        self.assertEqual(msg["MessageAttributes"], {"k": {"StringValues": ["v1", "v2"]}})
        self.assertEqual(msg["Type"], "STANDARD")
        self.assertEqual(msg["Persistence"], "PERSISTENT")
        self.assertEqual(msg["Sender"], {"Arn": self.alice, "Name": "Alice"})
        self.assertIs(msg["Redacted"], False)
        self.assertEqual(msg["Status"], {"Value": "SENT"})
        self.assertIsInstance(msg["CreatedTimestamp"], datetime.datetime)
        self.assertLess(abs(msg["CreatedTimestamp"].timestamp() - time.time()), 60)
        self.assertNotIn("PushNotification", msg)

    def test_content_over_4096_utf8_bytes_is_bad_request(self):
        with self.assertClientError("BadRequestException") as ctx:
            self.send(self.alice, Content="a" * 5000)
        self.assertIn("4096", ctx.message)
        self.assertIn("got 5000 bytes", ctx.message)
        with self.assertClientError("BadRequestException") as ctx:
            self.send(self.alice, Content="\u20ac" * 1366)  # 1366 characters, 4098 bytes
        self.assertIn("got 4098 bytes", ctx.message)
        self.send(self.alice, Content="a" * 4096)

    def test_metadata_over_1024_bytes_is_bad_request(self):
        with self.assertClientError("BadRequestException") as ctx:
            self.send(self.alice, Metadata="\u20ac" * 400)
        self.assertIn("Metadata", ctx.message)
        self.assertIn("1024", ctx.message)

    def test_control_message_rules(self):
        self.send(self.alice, Type="CONTROL", Content="c" * 30)
        with self.assertClientError("BadRequestException") as ctx:
            self.send(self.alice, Type="CONTROL", Content="c" * 31)
        self.assertIn("30 bytes", ctx.message)
        with self.assertClientError("BadRequestException") as ctx:
            self.send(self.alice, Type="CONTROL", Content="c", Metadata="m")
        self.assertIn("Metadata", ctx.message)

    def test_empty_content_is_bad_request(self):
        with self.assertClientError("BadRequestException"):
            self.send(self.alice, client=self.raw_messaging, Content="")

    def test_invalid_push_notification_is_bad_request(self):
        with self.assertClientError("BadRequestException"):
            self.send(self.alice, client=self.raw_messaging, PushNotification={"Title": "t" * 51})

    def test_unknown_bearer_is_unauthorized(self):
        with self.assertClientError("UnauthorizedClientException"):
            self.send(self.app + "/user/nobody-" + uuid.uuid4().hex[:6])

    def test_unknown_channel_is_forbidden(self):
        ghost = self.app + "/channel/" + str(uuid.uuid4())
        with self.assertClientError("ForbiddenException") as ctx:
            self.send(self.alice, channel=ghost)
        self.assertIn("does not exist", ctx.message)

    def test_non_member_is_forbidden(self):
        dave = self.make_user(self.app)
        with self.assertClientError("ForbiddenException") as ctx:
            self.send(dave)
        self.assertIn("not a member", ctx.message)

    def test_hidden_member_is_forbidden(self):
        dave = self.make_user(self.app)
        self.add_member(self.channel, dave, Type="HIDDEN")
        with self.assertClientError("ForbiddenException") as ctx:
            self.send(dave)
        self.assertIn("hidden", ctx.message.lower())

    def test_banned_user_is_forbidden(self):
        self.messaging.create_channel_ban(ChannelArn=self.channel, MemberArn=self.carol,
                                          ChimeBearer=self.alice)
        with self.assertClientError("ForbiddenException"):
            self.send(self.carol)

    def test_admin_must_first_add_its_own_membership(self):
        admin = self.make_admin(self.app, self.make_user(self.app))
        with self.assertClientError("ForbiddenException") as ctx:
            self.send(admin)
        self.assertIn("CreateChannelMembership", ctx.message)
        self.add_member(self.channel, admin, bearer=admin)
        self.send(admin)

    def test_moderator_must_first_add_its_own_membership(self):
        dave = self.make_user(self.app)
        erin = self.make_user(self.app)
        channel = self.make_channel(self.app, dave, ModeratorArns=[erin])  # erin: moderator only
        with self.assertClientError("ForbiddenException") as ctx:
            self.send(erin, channel=channel)
        self.assertIn("CreateChannelMembership", ctx.message)
        self.add_member(channel, erin, bearer=erin)
        self.send(erin, channel=channel)

    def test_creator_is_a_member_and_sends_right_away(self):
        dave = self.make_user(self.app)
        channel = self.make_channel(self.app, dave, Mode="RESTRICTED", Privacy="PRIVATE")
        self.send(dave, channel=channel)

    def test_bot_member_can_send(self):
        bot = self.make_bot(self.app)
        self.add_member(self.channel, bot)
        resp = self.send(bot)
        msg = self.messaging.get_channel_message(
            ChannelArn=self.channel, MessageId=resp["MessageId"], ChimeBearer=self.alice)
        self.assertEqual(msg["ChannelMessage"]["Sender"]["Arn"], bot)

    def test_non_persistent_message_is_not_in_history(self):
        resp = self.send(self.alice, Persistence="NON_PERSISTENT")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertRegex(resp["MessageId"], r"^[0-9a-f]{64}$")
        self.assertEqual(self.list_ids(self.alice), [])
        with self.assertClientError("NotFoundException"):
            self.messaging.get_channel_message(ChannelArn=self.channel, MessageId=resp["MessageId"],
                                               ChimeBearer=self.alice)

    def test_idempotent_token_and_conflict(self):
        token = str(uuid.uuid4())
        first = self.send(self.alice, ClientRequestToken=token, Content="once")
        again = self.send(self.alice, ClientRequestToken=token, Content="once")
        self.assertEqual(first["MessageId"], again["MessageId"])
        self.assertEqual(self.list_ids(self.bob), [first["MessageId"]])
        with self.assertClientError("ConflictException"):
            self.send(self.alice, ClientRequestToken=token, Content="twice")
        other = self.send(self.bob, ClientRequestToken=token, Content="once")
        self.assertNotEqual(other["MessageId"], first["MessageId"])

    def test_last_message_timestamp_is_updated(self):
        before = self.messaging.describe_channel(ChannelArn=self.channel, ChimeBearer=self.alice)
        self.assertNotIn("LastMessageTimestamp", before["Channel"])
        self.send(self.alice)
        after = self.messaging.describe_channel(ChannelArn=self.channel, ChimeBearer=self.alice)
        self.assertIn("LastMessageTimestamp", after["Channel"])


class TargetTest(MessagesTestBase):
    def test_target_must_be_a_member(self):
        self.requireModel(self.messaging, "SendChannelMessage", "Target")
        dave = self.make_user(self.app)
        with self.assertClientError("BadRequestException") as ctx:
            self.send(self.alice, Target=[{"MemberArn": dave}])
        self.assertIn("not a member", ctx.message)
        self.send(self.alice, Target=[{"MemberArn": self.alice}])

    def test_targeted_message_is_visible_to_sender_and_target_only(self):
        self.requireModel(self.messaging, "SendChannelMessage", "Target")
        public = self.send(self.alice)["MessageId"]
        secret = self.send(self.alice, Target=[{"MemberArn": self.bob}])["MessageId"]
        self.assertEqual(self.list_ids(self.alice), [secret, public])
        self.assertEqual(self.list_ids(self.bob), [secret, public])
        self.assertEqual(self.list_ids(self.carol), [public])
        msg = self.messaging.get_channel_message(ChannelArn=self.channel, MessageId=secret,
                                                 ChimeBearer=self.bob)["ChannelMessage"]
        self.assertEqual(msg["Target"], [{"MemberArn": self.bob}])
        with self.assertClientError("NotFoundException"):
            self.messaging.get_channel_message(ChannelArn=self.channel, MessageId=secret,
                                               ChimeBearer=self.carol)


class ElasticTest(MessagesTestBase):
    def test_elastic_channel_messages_live_in_sub_channels(self):
        owner = self.make_user(self.app)  # elastic: the creator is a moderator, not a member
        channel = self.make_channel(self.app, owner, Mode="RESTRICTED", ElasticChannelConfiguration={
            "MaximumSubChannels": 2, "TargetMembershipsPerSubChannel": 2,
            "MinimumMembershipPercentage": 10})
        subs = {}
        for who in (self.alice, self.bob, self.carol):
            subs[who] = self.add_member(channel, who, bearer=owner)["SubChannelId"]
        self.assertEqual(subs[self.alice], subs[self.bob])
        self.assertNotEqual(subs[self.alice], subs[self.carol])

        with self.assertClientError("BadRequestException"):
            self.send(self.alice, channel=channel)
        with self.assertClientError("ForbiddenException"):
            self.send(self.alice, channel=channel, SubChannelId=subs[self.carol])
        resp = self.send(self.alice, channel=channel, SubChannelId=subs[self.alice])
        self.assertEqual(resp["SubChannelId"], subs[self.alice])
        listed = self.messaging.list_channel_messages(ChannelArn=channel, ChimeBearer=self.bob,
                                                      SubChannelId=subs[self.bob])
        self.assertEqual([m["MessageId"] for m in listed["ChannelMessages"]], [resp["MessageId"]])
        self.assertEqual(listed["SubChannelId"], subs[self.bob])
        with self.assertClientError("ForbiddenException"):
            self.messaging.list_channel_messages(ChannelArn=channel, ChimeBearer=self.carol,
                                                 SubChannelId=subs[self.alice])

    def test_sub_channel_on_standard_channel_is_bad_request(self):
        with self.assertClientError("BadRequestException"):
            self.send(self.alice, SubChannelId="1")


class HistoryTest(MessagesTestBase):
    def test_order_paging_and_time_filters(self):
        ids = [self.send(self.alice, Content=f"m{i}")["MessageId"] for i in range(5)]
        self.assertEqual(self.list_ids(self.bob), ids[::-1])
        self.assertEqual(self.list_ids(self.bob, SortOrder="ASCENDING"), ids)

        seen, token, pages = [], None, 0
        while True:
            kw = {"NextToken": token} if token else {}
            resp = self.messaging.list_channel_messages(ChannelArn=self.channel, ChimeBearer=self.bob,
                                                        MaxResults=2, SortOrder="ASCENDING", **kw)
            pages += 1
            seen += [m["MessageId"] for m in resp["ChannelMessages"]]
            token = resp.get("NextToken")
            if not token:
                break
        self.assertEqual(seen, ids)
        self.assertEqual(pages, 3)

        msgs = self.messaging.list_channel_messages(
            ChannelArn=self.channel, ChimeBearer=self.bob)["ChannelMessages"]
        created = msgs[0]["CreatedTimestamp"]
        newest = self.list_ids(self.bob, NotBefore=created, NotAfter=created)
        self.assertIn(ids[-1], newest)
        future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
        self.assertEqual(self.list_ids(self.bob, NotBefore=future), [])
        past = datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc)
        self.assertEqual(self.list_ids(self.bob, NotAfter=past), [])
        self.assertEqual(self.list_ids(self.bob, NotBefore=past), ids[::-1])

    def test_bad_next_token_is_bad_request(self):
        with self.assertClientError("BadRequestException"):
            self.messaging.list_channel_messages(ChannelArn=self.channel, ChimeBearer=self.bob,
                                                 NextToken="not-a-token")

    def test_private_channel_history_refuses_non_members(self):
        self.send(self.alice)
        dave = self.make_user(self.app)
        with self.assertClientError("ForbiddenException"):
            self.messaging.list_channel_messages(ChannelArn=self.channel, ChimeBearer=dave)
        admin = self.make_admin(self.app, self.make_user(self.app))
        self.assertEqual(len(self.list_ids(admin)), 1)

    def test_public_channel_history_is_readable_by_non_members(self):
        channel = self.make_channel(self.app, self.alice, Privacy="PUBLIC", MemberArns=[self.alice])
        mid = self.send(self.alice, channel=channel)["MessageId"]
        dave = self.make_user(self.app)
        self.assertEqual(self.list_ids(dave, channel=channel), [mid])

    def test_get_unknown_message_is_not_found(self):
        with self.assertClientError("NotFoundException"):
            self.messaging.get_channel_message(ChannelArn=self.channel, MessageId="abc123",
                                               ChimeBearer=self.alice)

    def test_message_status_is_for_the_sender_only(self):
        mid = self.send(self.alice)["MessageId"]
        resp = self.messaging.get_channel_message_status(ChannelArn=self.channel, MessageId=mid,
                                                         ChimeBearer=self.alice)
        self.assertEqual(resp["Status"], {"Value": "SENT"})
        with self.assertClientError("ForbiddenException"):
            self.messaging.get_channel_message_status(ChannelArn=self.channel, MessageId=mid,
                                                      ChimeBearer=self.bob)

    def test_update_redact_delete(self):
        mid = self.send(self.alice, Metadata="m")["MessageId"]
        self.messaging.update_channel_message(ChannelArn=self.channel, MessageId=mid,
                                              Content="edited", ChimeBearer=self.alice)
        with self.assertClientError("ForbiddenException"):
            self.messaging.update_channel_message(ChannelArn=self.channel, MessageId=mid,
                                                  Content="nope", ChimeBearer=self.bob)
        msg = self.messaging.get_channel_message(ChannelArn=self.channel, MessageId=mid,
                                                 ChimeBearer=self.bob)["ChannelMessage"]
        self.assertEqual(msg["Content"], "edited")
        self.assertIn("LastEditedTimestamp", msg)

        with self.assertClientError("ForbiddenException"):
            self.messaging.redact_channel_message(ChannelArn=self.channel, MessageId=mid,
                                                  ChimeBearer=self.bob)
        self.messaging.redact_channel_message(ChannelArn=self.channel, MessageId=mid,
                                              ChimeBearer=self.alice)
        msg = self.messaging.get_channel_message(ChannelArn=self.channel, MessageId=mid,
                                                 ChimeBearer=self.bob)["ChannelMessage"]
        self.assertIs(msg["Redacted"], True)
        self.assertNotIn("Content", msg)

        with self.assertClientError("ForbiddenException"):
            self.messaging.delete_channel_message(ChannelArn=self.channel, MessageId=mid,
                                                  ChimeBearer=self.alice)
        admin = self.make_admin(self.app, self.make_user(self.app))
        resp = self.messaging.delete_channel_message(ChannelArn=self.channel, MessageId=mid,
                                                     ChimeBearer=admin)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(self.list_ids(self.alice), [])


class CliTest(MessagesTestBase):
    def test_cli_send_and_list(self):
        rc, data, err = self.run_aws(
            "chime-sdk-messaging", "send-channel-message", "--channel-arn", self.channel,
            "--content", "from the cli", "--type", "STANDARD", "--persistence", "PERSISTENT",
            "--chime-bearer", self.alice, expect_rc=0)
        self.assertRegex(data["MessageId"], r"^[0-9a-f]{64}$")
        self.assertEqual(data["Status"], {"Value": "SENT"})
        rc, listed, err = self.run_aws(
            "chime-sdk-messaging", "list-channel-messages", "--channel-arn", self.channel,
            "--chime-bearer", self.bob, expect_rc=0)
        self.assertEqual([m["MessageId"] for m in listed["ChannelMessages"]], [data["MessageId"]])
        self.assertEqual(listed["ChannelMessages"][0]["Content"], "from the cli")

    def test_cli_oversized_content_is_bad_request(self):
        rc, data, err = self.run_aws(
            "chime-sdk-messaging", "send-channel-message", "--channel-arn", self.channel,
            "--content", "x" * 5000, "--type", "STANDARD", "--persistence", "PERSISTENT",
            "--chime-bearer", self.alice)
        self.assertNotEqual(rc, 0)
        self.assertIn("BadRequestException", err)


if __name__ == "__main__":
    unittest.main()
