"""AppInstanceUser endpoints and AppInstance retention settings through boto3: every
operation, its output members, the modeled exception class of each refusal, and retention
actually hiding old messages from GetChannelMessage/ListChannelMessages."""

import datetime
import json
import os
import sqlite3
import uuid

from harness import ChimeTestCase, unique_name

PINPOINT = "arn:aws:mobiletargeting:us-east-1:123456789012:apps/0123456789abcdef"
DAY_MS = 24 * 60 * 60 * 1000


class AppInstanceUserEndpointTest(ChimeTestCase):
    def setUp(self):
        self.requireModel(self.identity, "RegisterAppInstanceUserEndpoint")
        self.app = self.make_app_instance()
        self.user = self.make_user(self.app)

    def register(self, user=None, **kw):
        kw.setdefault("Type", "APNS")
        kw.setdefault("ResourceArn", PINPOINT)
        kw.setdefault("EndpointAttributes", {"DeviceToken": unique_name("device")})
        return self.identity.register_app_instance_user_endpoint(
            AppInstanceUserArn=user or self.user, **kw)

    def test_register_describe_update_deregister(self):
        resp = self.register(Name="phone", Type="GCM",
                             EndpointAttributes={"DeviceToken": "dt", "VoipDeviceToken": "voip"})
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual(resp["AppInstanceUserArn"], self.user)
        eid = resp["EndpointId"]
        self.assertEqual(str(uuid.UUID(eid)), eid)
        self.assertLessEqual(len(eid), 64)

        ep = self.identity.describe_app_instance_user_endpoint(
            AppInstanceUserArn=self.user, EndpointId=eid)["AppInstanceUserEndpoint"]
        self.assertEqual(ep["AppInstanceUserArn"], self.user)
        self.assertEqual(ep["EndpointId"], eid)
        self.assertEqual(ep["Name"], "phone")
        self.assertEqual(ep["Type"], "GCM")
        self.assertEqual(ep["ResourceArn"], PINPOINT)
        self.assertEqual(ep["EndpointAttributes"], {"DeviceToken": "dt", "VoipDeviceToken": "voip"})
        self.assertEqual(ep["AllowMessages"], "ALL")
        self.assertEqual(ep["EndpointState"], {"Status": "ACTIVE"})
        self.assertIsInstance(ep["CreatedTimestamp"], datetime.datetime)
        self.assertIsInstance(ep["LastUpdatedTimestamp"], datetime.datetime)

        upd = self.identity.update_app_instance_user_endpoint(
            AppInstanceUserArn=self.user, EndpointId=eid, AllowMessages="NONE")
        self.assertEqual((upd["AppInstanceUserArn"], upd["EndpointId"]), (self.user, eid))
        ep = self.identity.describe_app_instance_user_endpoint(
            AppInstanceUserArn=self.user, EndpointId=eid)["AppInstanceUserEndpoint"]
        self.assertEqual((ep["Name"], ep["AllowMessages"]), ("phone", "NONE"))

        resp = self.identity.deregister_app_instance_user_endpoint(
            AppInstanceUserArn=self.user, EndpointId=eid)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        with self.assertClientError("ForbiddenException"):
            self.identity.describe_app_instance_user_endpoint(AppInstanceUserArn=self.user,
                                                              EndpointId=eid)

    def test_list_pages(self):
        ids = [self.register(Name=f"e{i}")["EndpointId"] for i in range(5)]
        seen, kw = [], {}
        while True:
            page = self.identity.list_app_instance_user_endpoints(
                AppInstanceUserArn=self.user, MaxResults=2, **kw)
            for s in page["AppInstanceUserEndpoints"]:
                self.assertEqual(s["AppInstanceUserArn"], self.user)
                self.assertEqual(s["EndpointState"]["Status"], "ACTIVE")
                seen.append(s["EndpointId"])
            if "NextToken" not in page:
                break
            kw = {"NextToken": page["NextToken"]}
        self.assertEqual(seen, ids)

    def test_token_is_idempotent(self):
        attrs = {"DeviceToken": "same-device"}
        a = self.register(EndpointAttributes=attrs, ClientRequestToken="tok-abc")
        b = self.register(EndpointAttributes=attrs, ClientRequestToken="tok-abc")
        self.assertEqual(a["EndpointId"], b["EndpointId"])
        with self.assertClientError("ConflictException"):
            self.register(EndpointAttributes=attrs, ClientRequestToken="tok-abc", Name="other")
        with self.assertClientError("ConflictException"):  # same device, new token
            self.register(EndpointAttributes=attrs)

    def test_limit_of_ten(self):
        for _ in range(10):
            self.register()
        with self.assertClientError("ResourceLimitExceededException") as ctx:
            self.register()
        self.assertIn("10", ctx.message)

    def test_unknown_user_and_endpoint_are_forbidden(self):
        ghost = self.app + "/user/ghost"
        with self.assertClientError("ForbiddenException"):
            self.register(user=ghost)
        with self.assertClientError("ForbiddenException"):
            self.identity.list_app_instance_user_endpoints(AppInstanceUserArn=ghost)
        with self.assertClientError("ForbiddenException"):
            self.identity.update_app_instance_user_endpoint(AppInstanceUserArn=self.user,
                                                            EndpointId="nope", Name="x")
        with self.assertClientError("ForbiddenException"):
            self.identity.deregister_app_instance_user_endpoint(AppInstanceUserArn=self.user,
                                                                EndpointId="nope")

    def test_invalid_input_is_bad_request(self):
        with self.assertClientError("BadRequestException"):
            self.raw_identity.register_app_instance_user_endpoint(
                AppInstanceUserArn=self.user, Type="SMS", ResourceArn=PINPOINT,
                EndpointAttributes={"DeviceToken": "x"}, ClientRequestToken="tok-bad")


class RetentionSettingsTest(ChimeTestCase):
    persistent = True  # the test ages messages by editing the SQLite file

    def setUp(self):
        self.requireModel(self.identity, "PutAppInstanceRetentionSettings")
        self.app = self.make_app_instance()
        self.user = self.make_user(self.app)
        self.channel = self.make_channel(self.app, self.user)  # the creator is a member: it sends

    def put(self, days):
        return self.identity.put_app_instance_retention_settings(
            AppInstanceArn=self.app,
            AppInstanceRetentionSettings={"ChannelRetentionSettings": {"RetentionDays": days}})

    def send(self):
        return self.messaging.send_channel_message(
            ChannelArn=self.channel, Content="hi", Type="STANDARD", Persistence="PERSISTENT",
            ChimeBearer=self.user)["MessageId"]

    def age(self, message_id, ms):
        db = sqlite3.connect(os.path.join(type(self)._tmpdir, "chime-local.db"), timeout=10)
        try:
            db.execute("UPDATE channel_messages SET created_ms = created_ms - ? WHERE message_id = ?",
                       (ms, message_id))
            db.commit()
        finally:
            db.close()

    def listed(self):
        return {m["MessageId"] for m in self.messaging.list_channel_messages(
            ChannelArn=self.channel, ChimeBearer=self.user)["ChannelMessages"]}

    def test_put_and_get(self):
        got = self.identity.get_app_instance_retention_settings(AppInstanceArn=self.app)
        self.assertEqual(got.get("AppInstanceRetentionSettings", {}), {})
        put = self.put(30)
        self.assertEqual(put["AppInstanceRetentionSettings"],
                         {"ChannelRetentionSettings": {"RetentionDays": 30}})
        self.assertIsInstance(put["InitiateDeletionTimestamp"], datetime.datetime)
        got = self.identity.get_app_instance_retention_settings(AppInstanceArn=self.app)
        self.assertEqual(got["AppInstanceRetentionSettings"], put["AppInstanceRetentionSettings"])
        self.assertEqual(got["InitiateDeletionTimestamp"], put["InitiateDeletionTimestamp"])

    def test_errors(self):
        with self.assertClientError("BadRequestException"):
            self.raw_identity.put_app_instance_retention_settings(
                AppInstanceArn=self.app,
                AppInstanceRetentionSettings={"ChannelRetentionSettings": {"RetentionDays": 0}})
        with self.assertClientError("BadRequestException"):
            self.raw_identity.put_app_instance_retention_settings(
                AppInstanceArn=self.app,
                AppInstanceRetentionSettings={"ChannelRetentionSettings": {"RetentionDays": 5476}})
        missing = self.app[:-1] + ("0" if self.app[-1] != "0" else "1")
        with self.assertClientError("ForbiddenException"):
            self.identity.get_app_instance_retention_settings(AppInstanceArn=missing)
        with self.assertClientError("ForbiddenException"):
            self.identity.put_app_instance_retention_settings(
                AppInstanceArn=missing,
                AppInstanceRetentionSettings={"ChannelRetentionSettings": {"RetentionDays": 1}})

    def test_retention_hides_and_purges_old_messages(self):
        fresh, old = self.send(), self.send()
        self.age(old, 3 * DAY_MS)
        self.assertEqual(self.listed(), {fresh, old})
        self.put(2)  # hides `old` (kept for the 30-day grace period)
        self.assertEqual(self.listed(), {fresh})
        with self.assertClientError("NotFoundException"):
            self.messaging.get_channel_message(ChannelArn=self.channel, MessageId=old,
                                               ChimeBearer=self.user)
        # A message that ages past retention after the Put is hidden at read time.
        self.age(fresh, 5 * DAY_MS)
        self.assertEqual(self.listed(), set())
        with self.assertClientError("NotFoundException"):
            self.messaging.get_channel_message(ChannelArn=self.channel, MessageId=fresh,
                                               ChimeBearer=self.user)
        newest = self.send()
        self.assertEqual(self.listed(), {newest})
        self.assertEqual(self.messaging.get_channel_message(
            ChannelArn=self.channel, MessageId=newest,
            ChimeBearer=self.user)["ChannelMessage"]["MessageId"], newest)

    def test_grace_period_restores_then_deletes_for_good(self):
        # Developer guide, "Managing message retention": within 30 days of setting or updating
        # the period, extending it (or turning it off) restores messages; after that grace,
        # messages past the period are deleted for good. Time moves with the test clock.
        self.addCleanup(self.clock, None)
        old = self.send()
        self.clock(3 * 86400)
        fresh = self.send()
        self.put(1)
        self.assertEqual(self.listed(), {fresh})
        self.put(10)  # within the grace period: back
        self.assertEqual(self.listed(), {fresh, old})
        self.identity.put_app_instance_retention_settings(AppInstanceArn=self.app,
                                                          AppInstanceRetentionSettings={})
        self.assertEqual(self.listed(), {fresh, old})  # retention off: everything visible
        self.put(1)
        self.clock(31 * 86400)  # the grace period of the last Put is over: the sweep deletes
        self.put(40)
        self.assertEqual(self.listed(), set())
        with self.assertClientError("NotFoundException"):
            self.messaging.get_channel_message(ChannelArn=self.channel, MessageId=old,
                                               ChimeBearer=self.user)

    def clock(self, seconds):
        """Moves the test clock forward, or back to real time with None."""
        move = {"reset": True} if seconds is None else {"advanceSeconds": seconds}
        status, _, body = self.raw_request("POST", "/_chime-local/clock", body=json.dumps(move).encode(),
                                           headers={"Content-Type": "application/json"})
        self.assertEqual(status, 200, body)
