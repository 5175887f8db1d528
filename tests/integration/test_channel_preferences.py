"""UpdateChannelReadMarker, Put/GetChannelMembershipPreferences, PutChannelExpirationSettings
and SearchChannels through boto3: shapes, role rules and the modeled exception classes."""

import json
import unittest

from harness import ChimeTestCase


class ChannelPreferencesTests(ChimeTestCase):
    def setUp(self):
        self.make_channel_cast()

    # -- UpdateChannelReadMarker ------------------------------------------------------------

    def test_read_marker_for_members_only(self):
        ch = self.make_channel(self.app, self.owner, MemberArns=[self.alice], ModeratorArns=[self.carol])
        resp = self.messaging.update_channel_read_marker(ChannelArn=ch, ChimeBearer=self.alice)
        self.assertEqual(resp["ChannelArn"], ch)
        summary = self.messaging.describe_channel_membership_for_app_instance_user(
            ChannelArn=ch, AppInstanceUserArn=self.alice, ChimeBearer=self.alice,
        )["ChannelMembership"]["AppInstanceUserMembershipSummary"]
        self.assertGreater(summary["ReadMarkerTimestamp"].year, 2020)
        self.messaging.update_channel_read_marker(ChannelArn=ch, ChimeBearer=self.owner)  # creator: a member
        for bearer in (self.carol, self.admin, self.bob):  # moderator only, admin, non-member
            with self.subTest(bearer=bearer), self.assertClientError("ForbiddenException"):
                self.messaging.update_channel_read_marker(ChannelArn=ch, ChimeBearer=bearer)

    def test_read_marker_refused_on_elastic_channel(self):
        self.requireModel(self.messaging, "CreateChannel", "ElasticChannelConfiguration")
        ch = self.make_channel(self.app, self.owner, Mode="RESTRICTED", ElasticChannelConfiguration={
            "MaximumSubChannels": 2, "TargetMembershipsPerSubChannel": 2, "MinimumMembershipPercentage": 10})
        self.messaging.create_channel_membership(ChannelArn=ch, MemberArn=self.alice, Type="DEFAULT",
                                                 ChimeBearer=self.owner)
        with self.assertClientError("BadRequestException"):
            self.messaging.update_channel_read_marker(ChannelArn=ch, ChimeBearer=self.alice)

    # -- Put/GetChannelMembershipPreferences ------------------------------------------------

    def test_preferences_round_trip_and_owner_only(self):
        self.requireModel(self.messaging, "PutChannelMembershipPreferences")
        ch = self.make_channel(self.app, self.owner, MemberArns=[self.alice, self.bob])
        prefs = {"PushNotifications": {"AllowNotifications": "FILTERED", "FilterRule": '{"k": ["v"]}'}}
        resp = self.messaging.put_channel_membership_preferences(
            ChannelArn=ch, MemberArn=self.alice, ChimeBearer=self.alice, Preferences=prefs)
        self.assertEqual(resp["ChannelArn"], ch)
        self.assertEqual(resp["Member"], {"Arn": self.alice, "Name": "Alice"})
        self.assertEqual(resp["Preferences"], prefs)
        got = self.messaging.get_channel_membership_preferences(
            ChannelArn=ch, MemberArn=self.alice, ChimeBearer=self.alice)
        self.assertEqual(got["Preferences"], prefs)
        for bearer in (self.admin, self.owner, self.bob):
            with self.subTest(bearer=bearer):
                with self.assertClientError("ForbiddenException"):
                    self.messaging.get_channel_membership_preferences(
                        ChannelArn=ch, MemberArn=self.alice, ChimeBearer=bearer)
                with self.assertClientError("ForbiddenException"):
                    self.messaging.put_channel_membership_preferences(
                        ChannelArn=ch, MemberArn=self.alice, ChimeBearer=bearer,
                        Preferences={"PushNotifications": {"AllowNotifications": "ALL"}})
        with self.assertClientError("ForbiddenException"):  # not a member
            self.messaging.get_channel_membership_preferences(
                ChannelArn=ch, MemberArn=self.carol, ChimeBearer=self.carol)

    def test_filtered_needs_filter_rule(self):
        self.requireModel(self.messaging, "PutChannelMembershipPreferences")
        ch = self.make_channel(self.app, self.owner, MemberArns=[self.alice])
        with self.assertClientError("BadRequestException") as ctx:
            self.messaging.put_channel_membership_preferences(
                ChannelArn=ch, MemberArn=self.alice, ChimeBearer=self.alice,
                Preferences={"PushNotifications": {"AllowNotifications": "FILTERED"}})
        self.assertIn("FilterRule", ctx.message)

    def test_filter_rule_limits_of_the_guide(self):
        # Developer guide, "Using filter rules to filter messages": exact string matching only,
        # 2 KB, at most 5 constraints in an OR, complexity (keys + values) at most 20.
        self.requireModel(self.messaging, "PutChannelMembershipPreferences")
        ch = self.make_channel(self.app, self.owner, MemberArns=[self.alice])
        ok = '{"type":[{"anything-but": ["Room"]}],"mention":["Bob"]}'
        self.messaging.put_channel_membership_preferences(
            ChannelArn=ch, MemberArn=self.alice, ChimeBearer=self.alice,
            Preferences={"PushNotifications": {"AllowNotifications": "FILTERED", "FilterRule": ok}})
        too_wide = json.dumps({"k": [f"v{i}" for i in range(20)]})
        too_many_or = json.dumps({"$or": [{f"k{i}": ["v"]} for i in range(6)]})
        too_big = json.dumps({"k": ["x" * 2100]})
        for rule, words in ((too_wide, "complexity"), (too_many_or, "$or"), (too_big, "bytes"),
                            ('{"k": [{"prefix": "a"}]}', "anything-but")):
            with self.subTest(rule=rule[:40]), self.assertClientError("BadRequestException") as ctx:
                self.messaging.put_channel_membership_preferences(
                    ChannelArn=ch, MemberArn=self.alice, ChimeBearer=self.alice,
                    Preferences={"PushNotifications": {"AllowNotifications": "FILTERED", "FilterRule": rule}})
            self.assertIn(words, ctx.message)
        # Refused rules changed nothing.
        got = self.messaging.get_channel_membership_preferences(ChannelArn=ch, MemberArn=self.alice,
                                                                ChimeBearer=self.alice)
        self.assertEqual(got["Preferences"]["PushNotifications"]["FilterRule"], ok)

    # -- PutChannelExpirationSettings -------------------------------------------------------

    def test_expiration_settings(self):
        self.requireModel(self.messaging, "PutChannelExpirationSettings")
        ch = self.make_channel(self.app, self.owner, MemberArns=[self.alice])
        settings = {"ExpirationDays": 10, "ExpirationCriterion": "LAST_MESSAGE_TIMESTAMP"}
        resp = self.messaging.put_channel_expiration_settings(
            ChannelArn=ch, ChimeBearer=self.owner, ExpirationSettings=settings)
        self.assertEqual(resp["ExpirationSettings"], settings)
        desc = self.messaging.describe_channel(ChannelArn=ch, ChimeBearer=self.alice)["Channel"]
        self.assertEqual(desc["ExpirationSettings"], settings)
        with self.assertClientError("ForbiddenException"):
            self.messaging.put_channel_expiration_settings(
                ChannelArn=ch, ChimeBearer=self.alice, ExpirationSettings=settings)
        resp = self.messaging.put_channel_expiration_settings(ChannelArn=ch, ChimeBearer=self.admin)
        self.assertNotIn("ExpirationSettings", resp)
        desc = self.messaging.describe_channel(ChannelArn=ch, ChimeBearer=self.alice)["Channel"]
        self.assertNotIn("ExpirationSettings", desc)
        # The bearer is optional in the model: no bearer = the account-level caller.
        resp = self.messaging.put_channel_expiration_settings(ChannelArn=ch, ExpirationSettings=settings)
        self.assertEqual(resp["ChannelArn"], ch)

    # -- SearchChannels ---------------------------------------------------------------------

    def test_search_channels(self):
        self.requireModel(self.messaging, "SearchChannels")
        ab = self.make_channel(self.app, self.owner, MemberArns=[self.alice, self.bob])
        abc = self.make_channel(self.app, self.owner, MemberArns=[self.alice, self.bob, self.carol])
        bc = self.make_channel(self.app, self.owner, MemberArns=[self.bob, self.carol])

        def search(bearer, op, values, **kw):
            resp = self.messaging.search_channels(
                ChimeBearer=bearer, Fields=[{"Key": "MEMBERS", "Operator": op, "Values": values}], **kw)
            return {c["ChannelArn"] for c in resp["Channels"]}

        self.assertEqual(search(self.admin, "INCLUDES", [self.alice, self.bob]), {ab, abc})
        # The creator (owner) is a member of each, so EQUALS names it too.
        self.assertEqual(search(self.admin, "EQUALS", [self.bob, self.alice, self.owner]), {ab})
        self.assertEqual(search(self.admin, "EQUALS", [self.bob, self.alice]), set())
        # A plain user searches only the channels it belongs to.
        self.assertEqual(search(self.alice, "INCLUDES", [self.bob]), {ab, abc})
        self.assertEqual(search(self.admin, "INCLUDES", [self.bob]), {ab, abc, bc})
        # Paging.
        first = self.messaging.search_channels(
            ChimeBearer=self.admin, MaxResults=2,
            Fields=[{"Key": "MEMBERS", "Operator": "INCLUDES", "Values": [self.bob]}])
        self.assertEqual(len(first["Channels"]), 2)
        rest = self.messaging.search_channels(
            ChimeBearer=self.admin, MaxResults=2, NextToken=first["NextToken"],
            Fields=[{"Key": "MEMBERS", "Operator": "INCLUDES", "Values": [self.bob]}])
        self.assertNotIn("NextToken", rest)
        got = {c["ChannelArn"] for c in first["Channels"] + rest["Channels"]}
        self.assertEqual(got, {ab, abc, bc})
        # No bearer: chime-local cannot tell which AppInstance to search.
        with self.assertClientError("BadRequestException") as ctx:
            self.messaging.search_channels(
                Fields=[{"Key": "MEMBERS", "Operator": "INCLUDES", "Values": [self.bob]}])
        self.assertIn("ChimeBearer", ctx.message)
        with self.assertClientError("UnauthorizedClientException"):
            search(self.app + "/user/ghost", "INCLUDES", [self.bob])


if __name__ == "__main__":
    unittest.main()
