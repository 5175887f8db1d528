"""The control endpoints behind the inspector page (docs/inspector.md): the JSON shapes of
GET /_chime-local/state/{app-instances,channels,channel,messages}, /sessions and /changes, the
page itself (/ui: CSP, embedded files), and POST /_chime-local/channel-flow-invocations/{id}
(approve, approve with new content, deny) without SigV4. A channel of 100,000 messages opens
(its newest page) in well under a second."""
import json
import os
import sqlite3
import tempfile
import time
import unittest
import urllib.parse
import uuid

from harness import ChimeLocal, ChimeTestCase, unique_name

FN = "arn:aws:lambda:us-east-1:123456789012:function:"
Q = urllib.parse.quote


class InspectorStateTests(ChimeTestCase):
    def get(self, path, expect=200):
        status, headers, body = self.raw_request("GET", path)
        self.assertEqual(status, expect, body)
        return json.loads(body) if body else None

    def post(self, path, body, expect=200):
        status, _, data = self.raw_request("POST", path, body=json.dumps(body).encode(),
                                           headers={"Content-Type": "application/json"})
        self.assertEqual(status, expect, data)
        return json.loads(data)

    def flow_channel(self):
        self.make_channel_cast()
        flow = self.messaging.create_channel_flow(
            AppInstanceArn=self.app, Name=unique_name("flow"), ClientRequestToken=str(uuid.uuid4()),
            Processors=[{"Name": "p1", "ExecutionOrder": 1, "FallbackAction": "ABORT",
                         "Configuration": {"Lambda": {"ResourceArn": FN + "mod", "InvocationType": "ASYNC"}}}],
        )["ChannelFlowArn"]
        channel = self.make_channel(self.app, self.owner, MemberArns=[self.alice])
        self.messaging.associate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow, ChimeBearer=self.owner)
        return flow, channel

    def pending(self, channel, message_id):
        found = [i for i in self.get("/_chime-local/channel-flow-invocations")["Invocations"]
                 if i["ChannelArn"] == channel and i["MessageId"] == message_id]
        self.assertEqual(len(found), 1, found)
        return found[0]["CallbackId"]

    def test_app_instances_by_tenant_with_users_bots_admins_endpoints(self):
        self.make_channel_cast()
        self.identity.put_app_instance_retention_settings(
            AppInstanceArn=self.app, AppInstanceRetentionSettings={"ChannelRetentionSettings": {"RetentionDays": 7}})
        self.identity.put_app_instance_user_expiration_settings(
            AppInstanceUserArn=self.alice,
            ExpirationSettings={"ExpirationDays": 3, "ExpirationCriterion": "CREATED_TIMESTAMP"})
        state = self.get("/_chime-local/state/app-instances")
        self.assertFalse(state["truncated"])
        tenant = next(t for t in state["tenants"] if t["accountId"] == "123456789012" and t["region"] == "us-east-1")
        app = next(a for a in tenant["appInstances"] if a["AppInstanceArn"] == self.app)
        self.assertEqual(app["RetentionSettings"], {"ChannelRetentionSettings": {"RetentionDays": 7}})
        self.assertIsInstance(app["CreatedTimestamp"], (int, float))
        users = {u["Name"]: u for u in app["Users"]}
        self.assertEqual(set(users), {"Admin", "Owner", "Alice", "Bob", "Carol"})
        self.assertEqual(users["Alice"]["ExpirationSettings"],
                         {"ExpirationDays": 3, "ExpirationCriterion": "CREATED_TIMESTAMP"})
        self.assertIsNone(users["Bob"]["ExpirationSettings"])
        self.assertEqual(users["Bob"]["Endpoints"], [])
        self.assertEqual([a["Arn"] for a in app["Admins"]], [self.admin])
        self.assertEqual(app["Bots"], [])

    def test_channels_and_one_channel(self):
        self.make_channel_cast()
        channel = self.make_channel(self.app, self.owner, Mode="RESTRICTED", Privacy="PRIVATE",
                                    MemberArns=[self.alice, self.bob])
        self.messaging.create_channel_moderator(ChannelArn=channel, ChannelModeratorArn=self.alice,
                                                ChimeBearer=self.owner)
        self.messaging.create_channel_ban(ChannelArn=channel, MemberArn=self.carol, ChimeBearer=self.owner)
        self.messaging.put_channel_membership_preferences(
            ChannelArn=channel, MemberArn=self.bob, ChimeBearer=self.bob,
            Preferences={"PushNotifications": {"AllowNotifications": "NONE"}})
        listing = self.get("/_chime-local/state/channels?appInstanceArn=" + Q(self.app, safe=""))
        self.assertEqual(listing["appInstanceArn"], self.app)
        [c] = listing["channels"]
        self.assertEqual((c["ChannelArn"], c["Mode"], c["Privacy"]), (channel, "RESTRICTED", "PRIVATE"))
        self.assertIsNone(c["ChannelFlowArn"])
        self.assertIsNone(c["ElasticChannelConfiguration"])
        self.assertIsNone(c["ExpirationSettings"])

        one = self.get("/_chime-local/state/channel?channelArn=" + Q(channel, safe=""))
        self.assertEqual(one["channel"]["ChannelArn"], channel)
        members = {m["MemberArn"]: m for m in one["members"]}
        self.assertEqual(set(members), {self.owner, self.alice, self.bob})
        self.assertEqual(members[self.bob]["Preferences"], {"PushNotifications": {"AllowNotifications": "NONE"}})
        self.assertEqual({m["ModeratorArn"] for m in one["moderators"]}, {self.owner, self.alice})
        self.assertEqual([b["MemberArn"] for b in one["bans"]], [self.carol])

        self.get("/_chime-local/state/channel?channelArn=" + Q(channel + "x", safe=""), expect=404)
        self.get("/_chime-local/state/channel", expect=400)
        self.get("/_chime-local/state/channels?appInstanceArn=" + Q(self.app + "x", safe=""), expect=404)

    def test_elastic_channel_lists_its_sub_channels(self):
        self.make_channel_cast()
        channel = self.make_channel(self.app, self.admin, ChannelId=unique_name("elastic"), Mode="RESTRICTED",
                                    ElasticChannelConfiguration={"MaximumSubChannels": 2,
                                                                 "TargetMembershipsPerSubChannel": 2,
                                                                 "MinimumMembershipPercentage": 10})
        self.messaging.create_channel_membership(ChannelArn=channel, MemberArn=self.alice, Type="DEFAULT",
                                                 ChimeBearer=self.admin)
        c = self.get("/_chime-local/state/channel?channelArn=" + Q(channel, safe=""))["channel"]
        self.assertEqual(c["ElasticChannelConfiguration"]["MaximumSubChannels"], 2)
        self.assertEqual(len(c["SubChannels"]), 1)
        self.assertEqual(c["SubChannels"][0]["MembershipCount"], 1)

    def test_messages_newest_first_with_every_status_and_target(self):
        self.make_channel_cast()
        channel = self.make_channel(self.app, self.owner, MemberArns=[self.alice, self.bob])
        ids = [self.send_text(channel, self.alice, f"m{i}")["MessageId"] for i in range(5)]
        targeted = self.messaging.send_channel_message(
            ChannelArn=channel, Content="psst", Type="STANDARD", Persistence="PERSISTENT", ChimeBearer=self.alice,
            Target=[{"MemberArn": self.bob}])["MessageId"]
        url = "/_chime-local/state/messages?channelArn=" + Q(channel, safe="") + "&limit=4"
        page = self.get(url)
        self.assertEqual([m["MessageId"] for m in page["messages"]], [targeted] + ids[::-1][:3])
        # Each as GetChannelMessage returns it (to the one who may see it).
        got = self.messaging.get_channel_message(ChannelArn=channel, MessageId=targeted, ChimeBearer=self.bob)
        first = page["messages"][0]
        self.assertEqual(first["Target"], [{"MemberArn": self.bob}])
        self.assertEqual(first["Content"], got["ChannelMessage"]["Content"])
        self.assertEqual(first["Persistence"], "PERSISTENT")
        self.assertEqual(first["Status"], {"Value": "SENT"})
        self.assertEqual(set(first) - {"SubChannelId"}, set(got["ChannelMessage"]) - {"SubChannelId"})
        rest = self.get(url + "&before=" + Q(page["nextBefore"]))
        self.assertEqual([m["MessageId"] for m in rest["messages"]], ids[1::-1])
        self.assertIsNone(rest["nextBefore"])
        self.get(url + "&before=nonsense", expect=400)
        self.get(url.replace("limit=4", "limit=0"), expect=400)

    def test_flow_invocation_answered_from_the_control_plane(self):
        _, channel = self.flow_channel()
        before = self.get("/_chime-local/changes")["change"]
        first = self.send_text(channel, self.alice, "edit me")["MessageId"]
        self.assertGreater(self.get("/_chime-local/changes")["change"], before)
        [m] = self.get("/_chime-local/state/messages?channelArn=" + Q(channel, safe=""))["messages"]
        self.assertEqual(m["Status"]["Value"], "PENDING")  # the inspector sees what only the sender would
        answer = self.post("/_chime-local/channel-flow-invocations/" + self.pending(channel, first),
                           {"action": "approve", "content": "edited"})
        self.assertEqual((answer["MessageId"], answer["Status"]), (first, "SENT"))
        got = self.messaging.get_channel_message(ChannelArn=channel, MessageId=first, ChimeBearer=self.alice)
        self.assertEqual(got["ChannelMessage"]["Content"], "edited")

        second = self.send_text(channel, self.alice, "deny me")["MessageId"]
        answer = self.post("/_chime-local/channel-flow-invocations/" + self.pending(channel, second),
                           {"action": "deny"})
        self.assertEqual(answer["Status"], "DENIED")
        with self.assertRaises(self.messaging.exceptions.NotFoundException):
            self.messaging.get_channel_message(ChannelArn=channel, MessageId=second, ChimeBearer=self.alice)

        self.post("/_chime-local/channel-flow-invocations/nope", {"action": "approve"}, expect=404)
        self.post("/_chime-local/channel-flow-invocations/nope", {"action": "maybe"}, expect=400)
        status, _, _ = self.raw_request("GET", "/_chime-local/channel-flow-invocations/nope")
        self.assertEqual(status, 400)

    def test_sessions_and_changes(self):
        self.assertEqual(self.get("/_chime-local/sessions"), {"sessions": []})
        now = self.get("/_chime-local/changes")
        self.assertEqual(set(now), {"change", "changed"})
        self.assertFalse(self.get(f"/_chime-local/changes?after={now['change']}")["changed"])
        self.make_app_instance()
        self.assertTrue(self.get(f"/_chime-local/changes?after={now['change']}")["changed"])
        self.get("/_chime-local/changes?after=x", expect=400)

    def test_the_page_and_its_files(self):
        status, headers, body = self.raw_request("GET", "/_chime-local/ui")
        self.assertEqual(status, 200)
        headers = {k.lower(): v for k, v in dict(headers).items()}
        self.assertIn("default-src 'none'", headers["content-security-policy"])
        self.assertIn(b'src="/_chime-local/ui/app.mjs"', body)
        status, headers, _ = self.raw_request("GET", "/_chime-local/ui/views/journal.mjs")
        self.assertEqual(status, 200)
        self.assertTrue({k.lower(): v for k, v in dict(headers).items()}["content-type"].startswith("text/javascript"))
        self.assertEqual(self.raw_request("GET", "/_chime-local/ui/nope.js")[0], 404)
        self.assertEqual(self.raw_request("GET", "/_chime-local/ui/../health")[0], 404)


class InspectorLargeChannelTests(ChimeTestCase):
    persistent = True

    def test_a_channel_of_100000_messages_opens_in_under_a_second(self):
        app, user, channel = self.make_user_and_channel()
        self.send_text(channel, user, "first")
        status, _, snapshot = self.raw_request("GET", "/_chime-local/snapshot")
        self.assertEqual(status, 200)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "big.sqlite3")
            with open(path, "wb") as f:
                f.write(snapshot)
            db = sqlite3.connect(path)
            row = db.execute("SELECT sender_arn, created_ms FROM channel_messages").fetchone()
            db.executemany(
                "INSERT INTO channel_messages (message_id, channel_arn, sender_arn, type, persistence, content,"
                " created_ms, updated_ms) VALUES (?, ?, ?, 'STANDARD', 'PERSISTENT', ?, ?, ?)",
                ((f"m{i:06d}", channel, row[0], f"bulk {i}", row[1] + i, row[1] + i) for i in range(1, 100000)))
            db.commit()
            db.close()
            with open(path, "rb") as f:
                status, _, body = self.raw_request("PUT", "/_chime-local/snapshot", body=f.read(), timeout=120)
            self.assertEqual(status, 200, body)
        started = time.monotonic()
        one = json.loads(self.raw_request("GET", "/_chime-local/state/channel?channelArn=" + Q(channel, safe=""))[2])
        page = json.loads(self.raw_request(
            "GET", "/_chime-local/state/messages?channelArn=" + Q(channel, safe="") + "&limit=50")[2])
        elapsed = time.monotonic() - started
        self.assertEqual(one["channel"]["ChannelArn"], channel)
        self.assertEqual(page["messages"][0]["Content"], "bulk 99999")
        self.assertEqual(len(page["messages"]), 50)
        # The sanitized build (sanitize.integration.*) runs several times slower.
        self.assertLess(elapsed, 3.0 if os.environ.get("ASAN_OPTIONS") else 1.0)


class InspectorReadOnlyTests(unittest.TestCase):
    def test_answering_a_flow_invocation_is_refused_but_views_answer(self):
        with tempfile.TemporaryDirectory() as tmp:
            emu = ChimeLocal()
            try:
                emu.start(data_file=os.path.join(tmp, "store.sqlite3"))
                self.assertEqual(emu.stop(), 0, emu.log_report())
                emu.start(data_file=os.path.join(tmp, "store.sqlite3"), extra_args=["--read-only"])
                status, _, body = emu.raw_request("POST", "/_chime-local/channel-flow-invocations/x",
                                                  body=b'{"action": "approve"}')
                self.assertEqual(status, 403, body)
                self.assertIn(b"--read-only", body)
                status, _, body = emu.raw_request("GET", "/_chime-local/state/app-instances")
                self.assertEqual(status, 200, body)
            finally:
                emu.stop()
                emu.cleanup()


if __name__ == "__main__":
    unittest.main()
