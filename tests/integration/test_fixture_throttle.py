"""Throttling at the service's quotas (--throttle, /_chime-local/throttle): off by default,
token buckets per bearer and per channel for SendChannelMessage, ThrottledClientException (429)
seen by boto3, lowered by a test for itself, counters cleared by reset, and a throttled write
changes nothing."""
import json
import time
import unittest

from harness import ChimeTestCase


class ThrottleTestBase(ChimeTestCase):
    def control(self, method, path, body=None):
        status, _, data = self.raw_request(method, path, body=None if body is None else json.dumps(body).encode(),
                                           headers={"Content-Type": "application/json"})
        return status, (json.loads(data) if data else None)

    def count_messages(self, channel, user):
        return len(self.messaging.list_channel_messages(ChannelArn=channel, ChimeBearer=user,
                                                        MaxResults=50)["ChannelMessages"])


class ThrottleOffByDefaultTests(ThrottleTestBase):
    def test_off_by_default_then_on_through_the_endpoint(self):
        self.assertFalse(self.control("GET", "/_chime-local/throttle")[1]["enabled"])
        _, user, channel = self.make_user_and_channel()
        for _ in range(25):  # well above the 10 rps per bearer
            self.send_text(channel, user)
        status, body = self.control("POST", "/_chime-local/throttle", {"enabled": True})
        self.assertEqual(status, 200, body)
        self.assertTrue(body["enabled"])
        try:
            with self.assertClientError("ThrottledClientException", 429):
                for _ in range(30):
                    self.send_text(channel, user)
        finally:
            self.control("POST", "/_chime-local/throttle", {"enabled": False})
        self.send_text(channel, user)


class ThrottleTests(ThrottleTestBase):
    server_args = ("--throttle",)

    def setUp(self):
        self.control("POST", "/_chime-local/throttle", {"reset": True})

    def test_the_documented_quotas_are_listed(self):
        quotas = {q["name"]: q for q in self.control("GET", "/_chime-local/throttle")[1]["quotas"]}
        self.assertEqual(quotas["MessagingApisPerBearer"]["rate"], 10)
        self.assertEqual(quotas["ChannelMessageApis"]["rate"], 30)
        self.assertEqual(quotas["ChannelMessageApis"]["scope"], "channel")
        self.assertIn("SendChannelMessage", quotas["ChannelMessageApis"]["operations"])

    def test_one_user_is_throttled_at_its_bearer_quota_and_the_throttled_send_stores_nothing(self):
        _, user, channel = self.make_user_and_channel()
        time.sleep(1.1)  # the cast's own calls drew from the same bearer bucket
        accepted = 0
        started = time.monotonic()
        with self.assertClientError("ThrottledClientException", 429) as ctx:
            for _ in range(40):
                self.send_text(channel, user)
                accepted += 1
        elapsed = time.monotonic() - started
        self.assertIn("MessagingApisPerBearer", ctx.message)
        self.assertGreaterEqual(accepted, 9)
        # A burst of 10, then 10 per second: on a slow machine the loop itself takes long enough
        # for the bucket to refill a little, never more than the rate allows.
        self.assertLessEqual(accepted, 12 + int(10 * elapsed), f"{accepted} accepted in {elapsed:.2f} s")
        time.sleep(1.1)
        self.assertEqual(self.count_messages(channel, user), accepted)

    def test_a_test_lowers_a_quota_for_itself_and_reset_clears_the_counters(self):
        status, body = self.control("POST", "/_chime-local/throttle", {"quotas": {"ChannelMessageApis": 2}})
        self.assertEqual(status, 200, body)
        _, user, channel = self.make_user_and_channel()
        self.send_text(channel, user)
        self.send_text(channel, user)
        with self.assertClientError("ThrottledClientException", 429) as ctx:
            self.send_text(channel, user)
        self.assertIn("ChannelMessageApis", ctx.message)
        # Reset empties the buckets (settings stay): the next send goes through at once.
        self.assertEqual(self.control("POST", "/_chime-local/reset")[0], 200)
        _, user, channel = self.make_user_and_channel()
        self.send_text(channel, user)
        self.send_text(channel, user)
        with self.assertClientError("ThrottledClientException", 429):
            self.send_text(channel, user)

    def test_several_users_share_the_channel_quota(self):
        self.control("POST", "/_chime-local/throttle", {"quotas": {"ChannelMessageApis": 4}})
        app, owner, channel = self.make_user_and_channel()
        users = [self.make_user(app) for _ in range(3)]
        for u in users:
            self.messaging.create_channel_membership(ChannelArn=channel, MemberArn=u, Type="DEFAULT",
                                                     ChimeBearer=owner)
        time.sleep(1.1)
        sent = 0
        with self.assertClientError("ThrottledClientException", 429) as ctx:
            for i in range(20):
                self.send_text(channel, users[i % 3])  # each user stays far below its own 10 rps
                sent += 1
        self.assertIn("ChannelMessageApis", ctx.message)
        self.assertIn(sent, (4, 5))

    def test_bad_settings_are_refused_and_change_nothing(self):
        for body, needle in (({"quotas": {"NoSuchQuota": 1}}, "NoSuchQuota"),
                             ({"quotas": {"ChannelMessageApis": 0}}, "ChannelMessageApis"),
                             ({"enabled": "yes"}, "enabled"),
                             ({"rate": 1}, "rate")):
            status, answer = self.control("POST", "/_chime-local/throttle", body)
            self.assertEqual(status, 400, body)
            self.assertIn(needle, answer["Message"])
        self.assertTrue(self.control("GET", "/_chime-local/throttle")[1]["enabled"])
        quotas = {q["name"]: q for q in self.control("GET", "/_chime-local/throttle")[1]["quotas"]}
        self.assertEqual(quotas["ChannelMessageApis"]["rate"], 30)


if __name__ == "__main__":
    unittest.main()
