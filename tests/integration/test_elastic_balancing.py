"""Membership balancing of elastic channels (developer guide, "Managing elastic channel
members"): SCALE_OUT opens a sub-channel when every one is full and moves members into it;
SCALE_IN merges a sub-channel that fell below MinimumMembershipPercentage into another and
deletes it with its messages; MaximumSubChannels full ones refuse a member; a moderator is a
member of several sub-channels and leaves all of them without SubChannelId. Events are read
from GET /_chime-local/events (no WebSocket needed)."""
import json
import unittest
from urllib.parse import quote

from harness import ChimeTestCase


class ElasticBalancingTests(ChimeTestCase):
    def setUp(self):
        self.requireModel(self.messaging, "CreateChannel", "ElasticChannelConfiguration")
        self.make_channel_cast()
        self.users = [self.make_user(self.app, name=f"U{i}") for i in range(10)]
        # Target 4, minimum ceil(40% of 4) = 2, at most 3 sub-channels.
        self.channel = self.make_channel(self.app, self.owner, Mode="RESTRICTED", ElasticChannelConfiguration={
            "MaximumSubChannels": 3, "TargetMembershipsPerSubChannel": 4, "MinimumMembershipPercentage": 40})

    def events(self, **params):
        query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())
        status, _, body = self.raw_request("GET", "/_chime-local/events?" + query, timeout=40)
        self.assertEqual(status, 200, body)
        return json.loads(body)

    def add(self, member, **kw):
        return self.messaging.create_channel_membership(ChannelArn=self.channel, MemberArn=member, Type="DEFAULT",
                                                        ChimeBearer=self.owner, **kw)

    def sub_of(self, member):
        return self.messaging.describe_channel_membership(ChannelArn=self.channel, MemberArn=member,
                                                          ChimeBearer=self.owner)["ChannelMembership"]["SubChannelId"]

    def counts(self):
        subs = self.messaging.list_sub_channels(ChannelArn=self.channel, ChimeBearer=self.owner)["SubChannels"]
        return {s["SubChannelId"]: s["MembershipCount"] for s in subs}

    def test_scale_out_moves_the_newest_member_into_the_new_sub_channel(self):
        for u in self.users[:4]:
            self.assertEqual(self.add(u)["SubChannelId"], "1")
        start = self.events()["next"]
        # Sub-channel 1 is full: a fifth member opens "2", which gets floor(5/2) = 2 members:
        # the newest member of "1" and the newcomer.
        self.assertEqual(self.add(self.users[4])["SubChannelId"], "2")
        self.assertEqual(self.counts(), {"1": 3, "2": 2})
        self.assertEqual(self.sub_of(self.users[3]), "2")
        self.assertEqual([self.sub_of(u) for u in self.users[:3]], ["1", "1", "1"])
        got = self.events(after=start, channelArn=self.channel, type="UPDATE_CHANNEL_MEMBERSHIP", waitMs=5000)
        moved = got["events"]
        self.assertEqual(len(moved), 1)
        self.assertEqual(moved[0]["recipients"], [self.users[3]])  # only the transferred member
        self.assertEqual(moved[0]["payload"]["SubChannelId"], "2")
        self.assertEqual(moved[0]["payload"]["Member"]["Arn"], self.users[3])
        self.assertEqual(moved[0]["message"]["Headers"]["x-amz-chime-event-type"], "UPDATE_CHANNEL_MEMBERSHIP")
        # The stream hears of the new sub-channel first, with its count after the request.
        opened = self.events(after=start, channelArn=self.channel, type="CREATE_SUB_CHANNEL")["events"]
        self.assertEqual([(e["payload"]["SubChannelId"], e["payload"]["MembershipCount"]) for e in opened],
                         [("2", 2)])
        self.assertEqual(opened[0]["recipients"], [])  # stream only
        self.assertLess(opened[0]["seq"], moved[0]["seq"])
        # The moved member now talks in "2" only: messages never cross sub-channels.
        with self.assertClientError("ForbiddenException"):
            self.messaging.send_channel_message(ChannelArn=self.channel, Content="x", Type="STANDARD",
                                                Persistence="PERSISTENT", ChimeBearer=self.users[3],
                                                SubChannelId="1")
        self.messaging.send_channel_message(ChannelArn=self.channel, Content="x", Type="STANDARD",
                                            Persistence="PERSISTENT", ChimeBearer=self.users[3], SubChannelId="2")

    def test_a_batch_scales_out_and_each_member_hears_of_its_move_after_its_join(self):
        start = self.events()["next"]
        resp = self.messaging.batch_create_channel_membership(ChannelArn=self.channel, MemberArns=self.users[:5],
                                                              Type="DEFAULT", ChimeBearer=self.owner)
        self.assertNotIn("Errors", resp)
        self.assertEqual(self.counts(), {"1": 3, "2": 2})
        self.assertEqual(self.sub_of(self.users[3]), "2")
        got = self.events(after=start, channelArn=self.channel, memberArn=self.users[3], waitMs=5000)["events"]
        self.assertEqual([(e["eventType"], e["payload"]["SubChannelId"]) for e in got
                          if e["payload"]["Member"]["Arn"] == self.users[3]],
                         [("CREATE_CHANNEL_MEMBERSHIP", "1"), ("UPDATE_CHANNEL_MEMBERSHIP", "2")])

    def test_maximum_sub_channels_full_is_resource_limit_exceeded(self):
        for u in self.users[:9]:
            self.add(u)
        self.assertEqual(self.counts(), {"1": 3, "2": 3, "3": 3})
        self.add(self.users[9])
        self.add(self.make_user(self.app))
        self.add(self.make_user(self.app))
        self.assertEqual(self.counts(), {"1": 4, "2": 4, "3": 4})
        with self.assertRaises(self.messaging.exceptions.ResourceLimitExceededException):
            self.add(self.make_user(self.app))
        self.assertEqual(self.counts(), {"1": 4, "2": 4, "3": 4})

    def test_scale_in_merges_and_deletes_the_sub_channel_with_its_messages(self):
        for u in self.users[:5]:
            self.add(u)  # "1": users 0,1,2; "2": users 3,4
        self.messaging.create_channel_moderator(ChannelArn=self.channel, ChannelModeratorArn=self.alice,
                                                ChimeBearer=self.owner)
        self.add(self.alice, SubChannelId="2")
        self.assertEqual(self.counts(), {"1": 3, "2": 3})
        sent = self.messaging.send_channel_message(ChannelArn=self.channel, Content="in two", Type="STANDARD",
                                                   Persistence="PERSISTENT", ChimeBearer=self.users[4],
                                                   SubChannelId="2")
        self.messaging.delete_channel_membership(ChannelArn=self.channel, MemberArn=self.users[3],
                                                 ChimeBearer=self.owner)
        self.assertEqual(self.counts(), {"1": 3, "2": 2})  # at the minimum: stays
        self.messaging.send_channel_message(ChannelArn=self.channel, Content="in one", Type="STANDARD",
                                            Persistence="PERSISTENT", ChimeBearer=self.users[0], SubChannelId="1")
        self.messaging.delete_channel_membership(ChannelArn=self.channel, MemberArn=self.users[2],
                                                 ChimeBearer=self.owner)
        # "2" holds 2 (user 4, moderator alice), "1" holds 2: nothing below the minimum yet.
        self.assertEqual(self.counts(), {"1": 2, "2": 2})
        start = self.events()["next"]
        self.messaging.delete_channel_membership(ChannelArn=self.channel, MemberArn=self.users[1],
                                                 ChimeBearer=self.owner)
        # "1" fell to 1 (< 2) and "2" can take its one regular member: merged into "2",
        # "1" deleted; alice stays in "2" (moderators are never moved).
        self.assertEqual(self.counts(), {"2": 3})
        self.assertEqual(self.sub_of(self.users[0]), "2")
        got = self.events(after=start, channelArn=self.channel, waitMs=5000)["events"]
        updates = [e for e in got if e["eventType"] == "UPDATE_CHANNEL_MEMBERSHIP"]
        self.assertEqual([e["recipients"] for e in updates], [[self.users[0]]])
        self.assertEqual(updates[0]["payload"]["SubChannelId"], "2")
        self.assertEqual([(e["payload"]["SubChannelId"], e["payload"]["MembershipCount"]) for e in got
                          if e["eventType"] == "DELETE_SUB_CHANNEL"], [("1", 0)])
        # The messages of "2" are kept, and "2" is where user 0 reads now.
        listed = self.messaging.list_channel_messages(ChannelArn=self.channel, ChimeBearer=self.users[0],
                                                      SubChannelId="2")["ChannelMessages"]
        self.assertEqual([m["MessageId"] for m in listed], [sent["MessageId"]])
        # The messages of "1" went with it (a moderator may still ask for it by id).
        gone = self.messaging.list_channel_messages(ChannelArn=self.channel, ChimeBearer=self.owner,
                                                    SubChannelId="1")["ChannelMessages"]
        self.assertEqual(gone, [])

    def test_scale_in_removes_moderators_of_the_deleted_sub_channel_with_the_reason_header(self):
        for u in self.users[:5]:
            self.add(u)  # "1": users 0,1,2 (3 moved out); "2": users 3,4
        self.messaging.create_channel_moderator(ChannelArn=self.channel, ChannelModeratorArn=self.alice,
                                                ChimeBearer=self.owner)
        self.add(self.alice, SubChannelId="2")
        self.messaging.send_channel_message(ChannelArn=self.channel, Content="doomed", Type="STANDARD",
                                            Persistence="PERSISTENT", ChimeBearer=self.alice, SubChannelId="2")
        self.messaging.delete_channel_membership(ChannelArn=self.channel, MemberArn=self.users[4],
                                                 ChimeBearer=self.owner)
        self.assertEqual(self.counts(), {"1": 3, "2": 2})
        start = self.events()["next"]
        self.messaging.delete_channel_membership(ChannelArn=self.channel, MemberArn=self.users[3],
                                                 ChimeBearer=self.owner)
        # "2" holds only moderator alice (1 < 2): "1" takes its (no) regular members, "2" is deleted.
        self.assertEqual(self.counts(), {"1": 3})
        got = self.events(after=start, channelArn=self.channel, waitMs=5000)["events"]
        dropped = [e for e in got if e["eventType"] == "DELETE_CHANNEL_MEMBERSHIP" and e["recipients"] == [self.alice]]
        self.assertEqual(len(dropped), 1, got)
        self.assertEqual(dropped[0]["message"]["Headers"]["x-amz-chime-event-reason"], "subchannel_DELETED")
        self.assertEqual(dropped[0]["payload"]["SubChannelId"], "2")
        # The plain removal of user 3 carries no reason.
        plain = [e for e in got if e["eventType"] == "DELETE_CHANNEL_MEMBERSHIP" and e not in dropped]
        self.assertTrue(plain)
        self.assertNotIn("x-amz-chime-event-reason", plain[0]["message"]["Headers"])
        with self.assertClientError("NotFoundException"):
            self.messaging.describe_channel_membership(ChannelArn=self.channel, MemberArn=self.alice,
                                                       ChimeBearer=self.owner)
        # Its messages went with it: a sub-channel opened again under "2" starts empty.
        self.add(self.alice, SubChannelId="2")
        listed = self.messaging.list_channel_messages(ChannelArn=self.channel, ChimeBearer=self.alice,
                                                      SubChannelId="2")["ChannelMessages"]
        self.assertEqual(listed, [])

    def test_a_moderator_in_two_sub_channels_and_deleting_it_from_all(self):
        for u in self.users[:5]:
            self.add(u)
        self.messaging.create_channel_moderator(ChannelArn=self.channel, ChannelModeratorArn=self.alice,
                                                ChimeBearer=self.owner)
        self.assertEqual(self.add(self.alice, SubChannelId="1")["SubChannelId"], "1")
        self.assertEqual(self.add(self.alice, SubChannelId="2")["SubChannelId"], "2")
        with self.assertClientError("ConflictException"):
            self.add(self.alice, SubChannelId="2")
        self.assertEqual(self.counts(), {"1": 4, "2": 3})
        for sub in ("1", "2"):
            d = self.messaging.describe_channel_membership(ChannelArn=self.channel, MemberArn=self.alice,
                                                           SubChannelId=sub, ChimeBearer=self.owner)
            self.assertEqual(d["ChannelMembership"]["SubChannelId"], sub)
            self.messaging.send_channel_message(ChannelArn=self.channel, Content=sub, Type="STANDARD",
                                                Persistence="PERSISTENT", ChimeBearer=self.alice,
                                                SubChannelId=sub)
        listed = self.messaging.list_channel_memberships(ChannelArn=self.channel, ChimeBearer=self.owner)
        arns = [m["Member"]["Arn"] for m in listed["ChannelMemberships"]]
        self.assertEqual(arns.count(self.alice), 1)  # once across the channel
        # The inspector's state shows each membership.
        status, _, body = self.raw_request("GET", "/_chime-local/state/channel?channelArn=" + quote(self.channel, safe=""))
        self.assertEqual(status, 200, body)
        subs = [m.get("SubChannelId") for m in json.loads(body)["members"] if m["MemberArn"] == self.alice]
        self.assertEqual(sorted(subs), ["1", "2"])
        mine = self.messaging.list_channel_memberships_for_app_instance_user(
            AppInstanceUserArn=self.alice, ChimeBearer=self.alice)["ChannelMemberships"]
        self.assertEqual(sorted(m["AppInstanceUserMembershipSummary"]["SubChannelId"] for m in mine
                                if m["ChannelSummary"]["ChannelArn"] == self.channel), ["1", "2"])
        # With SubChannelId: only that one; without: every one.
        self.messaging.delete_channel_membership(ChannelArn=self.channel, MemberArn=self.alice, SubChannelId="1",
                                                 ChimeBearer=self.owner)
        self.assertEqual(self.sub_of(self.alice), "2")
        self.add(self.alice, SubChannelId="1")
        self.messaging.delete_channel_membership(ChannelArn=self.channel, MemberArn=self.alice,
                                                 ChimeBearer=self.owner)
        with self.assertClientError("NotFoundException"):
            self.messaging.describe_channel_membership(ChannelArn=self.channel, MemberArn=self.alice,
                                                       ChimeBearer=self.owner)
        self.assertEqual(self.counts(), {"1": 3, "2": 2})

    def test_regular_members_cannot_name_a_sub_channel(self):
        with self.assertClientError("BadRequestException"):
            self.add(self.bob, SubChannelId="1")


if __name__ == "__main__":
    unittest.main()
