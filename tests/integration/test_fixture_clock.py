"""The test clock (POST /_chime-local/clock) and ExpirationSettings that take effect: a channel
or user past its ExpirationDays is gone for every read as soon as the clock call answers, by
CREATED_TIMESTAMP or LAST_MESSAGE_TIMESTAMP; retention needs no waiting either."""
import json
import unittest

from harness import ChimeTestCase

DAY = 86400


class ClockTests(ChimeTestCase):
    def tearDown(self):
        self.clock({"reset": True})

    def clock(self, body):
        status, _, data = self.raw_request("POST", "/_chime-local/clock", body=json.dumps(body).encode(),
                                           headers={"Content-Type": "application/json"})
        self.assertEqual(status, 200, data)
        return json.loads(data)

    def test_advancing_the_clock_moves_timestamps(self):
        before = self.clock({"advanceSeconds": 0})["now"]
        app = self.make_app_instance()
        after = self.clock({"advanceSeconds": 10 * DAY})
        self.assertGreaterEqual(after["offsetSeconds"], 10 * DAY)
        user = self.make_user(app)
        created = self.identity.describe_app_instance_user(AppInstanceUserArn=user)["AppInstanceUser"]["CreatedTimestamp"]
        self.assertGreater(created.timestamp(), before + 10 * DAY - 60)
        status, _, data = self.raw_request("POST", "/_chime-local/clock", body=b'{"advanceSeconds": -5}')
        self.assertEqual(status, 400, data)

    def test_the_clock_stops_at_the_end_of_year_9999(self):
        # 3.2e9 s per call reached year 10000 in 79 calls; timestamps past 9999 break the SDKs.
        app = self.make_app_instance()
        user = self.make_user(app)
        refused = None
        for _ in range(100):
            status, _, data = self.raw_request("POST", "/_chime-local/clock",
                                               body=b'{"advanceSeconds": 3.2e9}')
            if status != 200:
                refused = (status, json.loads(data))
                break
        self.assertIsNotNone(refused, "the clock moved past year 9999")
        self.assertEqual(refused[0], 400)
        self.assertIn("9999-12-31T23:59:59.999Z", refused[1]["Message"])
        now = self.clock({"advanceSeconds": 0})["now"]
        self.assertLessEqual(now, 253402300799.999)
        # boto3 still parses every timestamp, and reset mends the clock.
        described = self.identity.describe_app_instance_user(AppInstanceUserArn=user)["AppInstanceUser"]
        self.assertEqual(described["AppInstanceUserArn"], user)
        self.assertLess(self.clock({"reset": True})["now"], now)

    def test_a_channel_expires_by_creation_time(self):
        app = self.make_app_instance()
        user = self.make_user(app)
        channel = self.make_channel(app, user, ExpirationSettings={"ExpirationDays": 1,
                                                                   "ExpirationCriterion": "CREATED_TIMESTAMP"})
        self.clock({"advanceSeconds": DAY / 2})
        self.messaging.describe_channel(ChannelArn=channel, ChimeBearer=user)
        swept = self.clock({"advanceSeconds": DAY})
        self.assertEqual(swept["expired"]["channels"], 1)
        with self.assertClientError("ForbiddenException"):
            self.messaging.describe_channel(ChannelArn=channel, ChimeBearer=user)
        listed = self.messaging.list_channel_memberships_for_app_instance_user(
            AppInstanceUserArn=user, ChimeBearer=user)["ChannelMemberships"]
        self.assertEqual(listed, [])

    def test_a_channel_expires_by_last_message_time(self):
        app = self.make_app_instance()
        user = self.make_user(app)
        channel = self.make_channel(app, user, ExpirationSettings={"ExpirationDays": 1,
                                                                   "ExpirationCriterion": "LAST_MESSAGE_TIMESTAMP"})
        self.clock({"advanceSeconds": 0.75 * DAY})
        self.messaging.send_channel_message(ChannelArn=channel, Content="keep me", Type="STANDARD",
                                            Persistence="PERSISTENT", ChimeBearer=user)
        self.assertEqual(self.clock({"advanceSeconds": 0.75 * DAY})["expired"]["channels"], 0)
        self.messaging.describe_channel(ChannelArn=channel, ChimeBearer=user)
        self.assertEqual(self.clock({"advanceSeconds": 0.5 * DAY})["expired"]["channels"], 1)
        with self.assertClientError("ForbiddenException"):
            self.messaging.describe_channel(ChannelArn=channel, ChimeBearer=user)

    def test_a_user_expires_and_its_bearer_is_refused(self):
        app = self.make_app_instance()
        user = self.make_user(app)
        self.identity.put_app_instance_user_expiration_settings(
            AppInstanceUserArn=user, ExpirationSettings={"ExpirationDays": 2,
                                                         "ExpirationCriterion": "CREATED_TIMESTAMP"})
        self.assertEqual(self.clock({"advanceSeconds": 3 * DAY})["expired"]["users"], 1)
        # DescribeAppInstanceUser does not model NotFound: an unknown user is Forbidden (README).
        with self.assertClientError("ForbiddenException"):
            self.identity.describe_app_instance_user(AppInstanceUserArn=user)
        with self.assertClientError("UnauthorizedClientException"):
            self.messaging.list_channels(AppInstanceArn=app, ChimeBearer=user)

    def test_retention_needs_no_waiting(self):
        app = self.make_app_instance()
        user = self.make_user(app)
        channel = self.make_channel(app, user)
        self.messaging.send_channel_message(ChannelArn=channel, Content="old", Type="STANDARD",
                                            Persistence="PERSISTENT", ChimeBearer=user)
        self.identity.put_app_instance_retention_settings(
            AppInstanceArn=app, AppInstanceRetentionSettings={"ChannelRetentionSettings": {"RetentionDays": 1}})
        self.clock({"advanceSeconds": 2 * DAY})
        self.assertEqual(self.messaging.list_channel_messages(ChannelArn=channel, ChimeBearer=user)
                         ["ChannelMessages"], [])


if __name__ == "__main__":
    unittest.main()
