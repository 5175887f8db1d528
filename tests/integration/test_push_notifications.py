"""Push notifications of new messages (docs/push-notifications.md; developer guide "Using mobile
push notifications for Amazon Chime SDK messaging" and its sub-pages): a SENT message carrying
PushNotification gives one notification per endpoint of each member other than the sender whose
endpoint allows messages and whose channel membership preference lets it through (ALL, NONE,
FILTERED by the FilterRule against MessageAttributes); a targeted message notifies only its
target. GET /_chime-local/push-notifications lists them (filters appInstanceArn, channelArn,
appInstanceUserArn, accountId), DELETE and POST /_chime-local/reset clear them. Filter rules over
the guide's limits are refused with BadRequestException and change nothing. With
--pinpoint-endpoint each notification is also sent as Pinpoint SendMessages (SigV4 service
mobiletargeting): checked against a stub that records the requests."""

import http.server
import json
import re
import threading
import time
import unittest
import urllib.parse
import uuid

from harness import ChimeTestCase, StubEndpointMixin, unique_name

PINPOINT = "arn:aws:mobiletargeting:us-east-1:123456789012:apps/chatapp"
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
PUSH = {"Title": "New message", "Body": "Alice wrote", "Type": "DEFAULT"}


class PushFixtures:
    def register(self, user, type_="APNS", token=None, **attributes):
        attributes.setdefault("DeviceToken", token or unique_name("device"))
        return self.identity.register_app_instance_user_endpoint(
            AppInstanceUserArn=user, Type=type_, ResourceArn=PINPOINT, EndpointAttributes=attributes,
            ClientRequestToken=str(uuid.uuid4()))["EndpointId"]

    def room(self, *members):
        """self.make_channel_cast(); a channel of self.owner with `members` (attribute names)."""
        self.make_channel_cast()
        channel = self.make_channel(self.app, self.owner)
        for name in members:
            self.messaging.create_channel_membership(ChannelArn=channel, MemberArn=getattr(self, name),
                                                     Type="DEFAULT", ChimeBearer=self.owner)
        return channel

    def send(self, channel, sender, push=PUSH, **kw):
        if push is not None:
            kw["PushNotification"] = push
        return self.messaging.send_channel_message(ChannelArn=channel, Content="hello", Type="STANDARD",
                                                   Persistence="PERSISTENT", ChimeBearer=sender,
                                                   **kw)["MessageId"]

    def notifications(self, query=""):
        status, _, body = self.raw_request("GET", "/_chime-local/push-notifications" + query)
        self.assertEqual(status, 200, body)
        return json.loads(body)["PushNotifications"]

    def notified(self, message_id):
        """{recipient ARN: [endpoint ids]} of one message (after-commit jobs: wait a little)."""
        deadline = time.time() + 5
        while True:
            found = [n for n in self.notifications() if n["MessageId"] == message_id]
            if found or time.time() > deadline:
                break
            time.sleep(0.05)
        time.sleep(0.05)  # all of one message's notifications are recorded together
        out = {}
        for n in reversed([n for n in self.notifications() if n["MessageId"] == message_id]):
            out.setdefault(n["AppInstanceUserArn"], []).append(n["Endpoint"]["EndpointId"])
        return out

    def filtered(self, channel, member, rule):
        self.messaging.put_channel_membership_preferences(
            ChannelArn=channel, MemberArn=member, ChimeBearer=member,
            Preferences={"PushNotifications": {"AllowNotifications": "FILTERED",
                                               "FilterRule": json.dumps(rule)}})


class PushNotificationRuleTests(PushFixtures, ChimeTestCase):
    def setUp(self):
        self.requireModel(self.identity, "RegisterAppInstanceUserEndpoint")

    def test_entry_names_recipient_endpoint_and_payload(self):
        channel = self.room("alice", "bob")
        endpoint = self.register(self.bob, "GCM", token="bob-phone")
        mid = self.send(channel, self.alice)
        self.notified(mid)
        (n,) = self.notifications("?channelArn=" + urllib.parse.quote(channel, safe=""))
        self.assertRegex(n.pop("Time"), ISO_MS)
        self.assertEqual(n, {
            "AppInstanceArn": self.app, "ChannelArn": channel, "MessageId": mid,
            "AppInstanceUserArn": self.bob,
            "Endpoint": {"EndpointId": endpoint, "Type": "GCM", "ResourceArn": PINPOINT,
                         "EndpointAttributes": {"DeviceToken": "bob-phone"}},
            "Title": "New message", "Body": "Alice wrote", "Type": "DEFAULT",
            "Data": {"chime.message_id": mid, "chime.channel_arn": channel}})

    def test_members_other_than_the_sender_with_an_endpoint_that_allows_messages(self):
        channel = self.room("alice", "bob", "carol")
        self.register(self.alice)  # the sender: never notified
        phone, tablet = self.register(self.bob), self.register(self.bob, "APNS_SANDBOX")
        muted = self.register(self.carol)
        self.identity.update_app_instance_user_endpoint(AppInstanceUserArn=self.carol, EndpointId=muted,
                                                        AllowMessages="NONE")
        # self.owner is a member without an endpoint; self.admin has one but is no member.
        self.register(self.admin)
        mid = self.send(channel, self.alice)
        self.assertEqual(self.notified(mid), {self.bob: [phone, tablet]})

    def test_no_push_notification_no_entry(self):
        channel = self.room("alice", "bob")
        self.register(self.bob)
        self.send(channel, self.alice, push=None)
        marker = self.send(channel, self.alice)  # one with it, so the first had its chance
        self.assertEqual(list(self.notified(marker)), [self.bob])
        self.assertEqual([n["MessageId"] for n in self.notifications("?channelArn=" + channel)], [marker])

    def test_voip_type_and_title_only(self):
        channel = self.room("alice", "bob")
        self.register(self.bob, VoipDeviceToken="bob-voip")
        mid = self.send(channel, self.alice, push={"Title": "Call", "Type": "VOIP"})
        self.notified(mid)
        (n,) = [n for n in self.notifications() if n["MessageId"] == mid]
        self.assertEqual((n["Type"], n["Title"], "Body" in n), ("VOIP", "Call", False))
        self.assertEqual(n["Endpoint"]["EndpointAttributes"]["VoipDeviceToken"], "bob-voip")

    def test_targeted_message_notifies_only_its_target(self):
        channel = self.room("alice", "bob", "carol")
        self.register(self.bob)
        carol = self.register(self.carol)
        mid = self.send(channel, self.alice, Target=[{"MemberArn": self.carol}])
        self.assertEqual(self.notified(mid), {self.carol: [carol]})

    def test_elastic_channel_notifies_the_senders_sub_channel(self):
        self.requireModel(self.messaging, "CreateChannel", "ElasticChannelConfiguration")
        self.make_channel_cast()
        channel = self.make_channel(self.app, self.owner, Mode="RESTRICTED", ElasticChannelConfiguration={
            "MaximumSubChannels": 3, "TargetMembershipsPerSubChannel": 2, "MinimumMembershipPercentage": 10})
        subs = [self.messaging.create_channel_membership(ChannelArn=channel, MemberArn=u, Type="DEFAULT",
                                                         ChimeBearer=self.owner)["SubChannelId"]
                for u in (self.alice, self.bob, self.carol)]
        self.assertEqual(subs, ["1", "1", "2"])
        bob = self.register(self.bob)
        self.register(self.carol)
        mid = self.send(channel, self.alice, SubChannelId="1")
        self.assertEqual(self.notified(mid), {self.bob: [bob]})

    def test_preference_none_and_all(self):
        channel = self.room("alice", "bob", "carol")
        bob, carol = self.register(self.bob), self.register(self.carol)
        for member, allow in ((self.bob, "NONE"), (self.carol, "ALL")):
            self.messaging.put_channel_membership_preferences(
                ChannelArn=channel, MemberArn=member, ChimeBearer=member,
                Preferences={"PushNotifications": {"AllowNotifications": allow}})
        self.assertEqual(self.notified(self.send(channel, self.alice)), {self.carol: [carol]})
        self.messaging.put_channel_membership_preferences(
            ChannelArn=channel, MemberArn=self.bob, ChimeBearer=self.bob,
            Preferences={"PushNotifications": {"AllowNotifications": "ALL"}})
        self.assertEqual(self.notified(self.send(channel, self.alice)), {self.bob: [bob], self.carol: [carol]})

    def test_filtered_exact_anything_but_and_or(self):
        channel = self.room("alice", "bob", "carol")
        bob, carol = self.register(self.bob), self.register(self.carol)
        self.filtered(channel, self.bob, {"mention": ["bob"]})
        self.filtered(channel, self.carol, {"$or": [{"mention": ["carol"]},
                                                    {"kind": [{"anything-but": ["chatter"]}]}]})

        def attrs(**kv):
            return {k: {"StringValues": [v]} for k, v in kv.items()}

        cases = [
            ({}, {}),  # no attributes: no rule matches (anything-but needs the key)
            (attrs(mention="bob", kind="chatter"), {self.bob: [bob]}),
            (attrs(mention="carol", kind="chatter"), {self.carol: [carol]}),
            (attrs(mention="dave", kind="alert"), {self.carol: [carol]}),
            (attrs(mention="bob", kind="alert"), {self.bob: [bob], self.carol: [carol]}),
        ]
        for attributes, expected in cases:
            with self.subTest(attributes=attributes):
                kw = {"MessageAttributes": attributes} if attributes else {}
                mid = self.send(channel, self.alice, **kw)
                if not expected:
                    marker = self.send(channel, self.owner, push=None)
                    self.assertEqual(self.notified(marker), {})
                self.assertEqual(self.notified(mid), expected)

    def test_filter_rule_limits_are_refused_and_change_nothing(self):
        channel = self.room("bob")
        self.filtered(channel, self.bob, {"mention": ["bob"]})
        before = self.messaging.get_channel_membership_preferences(
            ChannelArn=channel, MemberArn=self.bob, ChimeBearer=self.bob)["Preferences"]
        too_complex = {f"k{i}": [f"v{i}"] for i in range(11)}  # 11 keys + 11 values = 22 > 20
        too_many_or = {"$or": [{"k": [str(i)]} for i in range(6)]}
        too_big = {"k": ["x" * 2100]}
        not_exact = {"k": [{"prefix": "a"}]}
        for rule in (too_complex, too_many_or, too_big, not_exact):
            with self.subTest(rule=str(rule)[:60]):
                with self.assertClientError("BadRequestException"):
                    self.filtered(channel, self.bob, rule)
                after = self.messaging.get_channel_membership_preferences(
                    ChannelArn=channel, MemberArn=self.bob, ChimeBearer=self.bob)["Preferences"]
                self.assertEqual(after, before)
        # The limits themselves pass: complexity 20, five $or constraints.
        self.filtered(channel, self.bob, {f"k{i}": [f"v{i}"] for i in range(10)})
        self.filtered(channel, self.bob, {"$or": [{"k": [str(i)]} for i in range(5)]})

    def test_refused_send_notifies_nobody(self):
        channel = self.room("alice", "bob")
        self.register(self.bob)
        with self.assertClientError("BadRequestException"):
            self.messaging.send_channel_message(
                ChannelArn=channel, Content="hello", Type="STANDARD", Persistence="PERSISTENT",
                ChimeBearer=self.alice, PushNotification=PUSH, Target=[{"MemberArn": self.carol}])
        with self.assertClientError("ForbiddenException"):
            self.send(channel, self.carol)  # not a member
        marker = self.send(channel, self.alice)
        self.assertEqual(list(self.notified(marker)), [self.bob])
        self.assertEqual(len(self.notifications("?channelArn=" + channel)), 1)

    def test_channel_flow_message_notifies_once_sent(self):
        channel = self.room("alice", "bob")
        bob = self.register(self.bob)
        flow = self.messaging.create_channel_flow(
            AppInstanceArn=self.app, Name=unique_name("flow"), ClientRequestToken=str(uuid.uuid4()),
            Processors=[{"Name": "p", "ExecutionOrder": 1, "FallbackAction": "ABORT",
                         "Configuration": {"Lambda": {
                             "ResourceArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
                             "InvocationType": "ASYNC"}}}])["ChannelFlowArn"]
        self.messaging.associate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow, ChimeBearer=self.owner)
        mid = self.send(channel, self.alice)
        status, _, body = self.raw_request("GET", "/_chime-local/channel-flow-invocations")
        (inv,) = [i for i in json.loads(body)["Invocations"] if i["MessageId"] == mid]
        time.sleep(0.2)
        self.assertEqual([n for n in self.notifications() if n["MessageId"] == mid], [])  # PENDING
        self.messaging.channel_flow_callback(CallbackId=inv["CallbackId"], ChannelArn=channel,
                                             ChannelMessage={"MessageId": mid, "Content": "hello"})
        self.assertEqual(self.notified(mid), {self.bob: [bob]})

    def test_filters_delete_and_reset(self):
        channel = self.room("alice", "bob")
        self.register(self.bob)
        mid = self.send(channel, self.alice)
        self.notified(mid)
        q = urllib.parse.quote
        self.assertTrue(self.notifications("?appInstanceArn=" + q(self.app, safe="")))
        self.assertTrue(self.notifications("?appInstanceUserArn=" + q(self.bob, safe="")))
        self.assertEqual(self.notifications("?appInstanceUserArn=" + q(self.alice, safe="")), [])
        self.assertTrue(self.notifications("?accountId=123456789012"))
        self.assertEqual(self.notifications("?accountId=000000000000"), [])
        for bad in ("?colour=red", "?accountId=12"):
            status, _, _ = self.raw_request("GET", "/_chime-local/push-notifications" + bad)
            self.assertEqual(status, 400, bad)
        status, _, _ = self.raw_request("DELETE", "/_chime-local/push-notifications?accountId=000000000000")
        self.assertEqual(status, 200)
        self.assertTrue(self.notifications())
        status, _, _ = self.raw_request("DELETE", "/_chime-local/push-notifications")
        self.assertEqual(status, 200)
        self.assertEqual(self.notifications(), [])
        self.notified(self.send(channel, self.alice))
        status, _, _ = self.raw_request("POST", "/_chime-local/reset")
        self.assertEqual(status, 200)
        self.assertEqual(self.notifications(), [])


class RecordingPinpoint(http.server.ThreadingHTTPServer):
    """A Pinpoint endpoint that records each request and answers SendMessages' 200."""
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), RecordingHandler)
        self.requests = []
        self.lock = threading.Lock()


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.server.lock:
            self.server.requests.append((self.path, dict(self.headers), json.loads(body)))
        answer = json.dumps({"MessageResponse": {"ApplicationId": self.path.split("/")[3], "Result": {}}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


class PinpointEndpointTests(PushFixtures, StubEndpointMixin, ChimeTestCase):
    stub_factory, stub_flag, stub_name = RecordingPinpoint, "--pinpoint-endpoint", "pinpoint"

    def sent(self, count, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.pinpoint.lock:
                if len(self.pinpoint.requests) >= count:
                    return list(self.pinpoint.requests)
            time.sleep(0.05)
        self.fail(f"Pinpoint got {len(self.pinpoint.requests)} requests, expected {count}")

    def setUp(self):
        self.requireModel(self.identity, "RegisterAppInstanceUserEndpoint")
        with self.pinpoint.lock:
            self.pinpoint.requests.clear()

    def test_send_messages_per_notification(self):
        channel = self.room("alice", "bob", "carol")
        self.register(self.bob, "APNS", token="bob-iphone")
        self.register(self.carol, "GCM", token="carol-android")
        mid = self.send(channel, self.alice)
        requests = self.sent(2)
        self.assertEqual(len(self.notified(mid)), 2)  # the journal has them too
        data = {"chime.message_id": mid, "chime.channel_arn": channel}
        by_token = {next(iter(r[2]["Addresses"])): r for r in requests}
        self.assertEqual(sorted(by_token), ["bob-iphone", "carol-android"])
        for token, channel_type, key in (("bob-iphone", "APNS", "APNSMessage"),
                                         ("carol-android", "GCM", "GCMMessage")):
            path, headers, body = by_token[token]
            self.assertEqual(path, "/v1/apps/chatapp/messages")
            auth = headers.get("Authorization", "")
            self.assertRegex(auth, r"^AWS4-HMAC-SHA256 Credential=\w+/\d{8}/us-east-1/mobiletargeting/aws4_request, "
                                   r"SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$")
            self.assertEqual(body["Addresses"], {token: {"ChannelType": channel_type}})
            message = body["MessageConfiguration"][key]
            self.assertEqual((message["Title"], message["Body"], message["Data"], message["Action"]),
                             ("New message", "Alice wrote", data, "OPEN_APP"))

    def test_voip_goes_to_the_voip_token(self):
        channel = self.room("alice", "bob")
        self.register(self.bob, "APNS", token="bob-iphone", VoipDeviceToken="bob-voip")
        self.send(channel, self.alice, push={"Title": "Call", "Type": "VOIP"})
        ((path, _, body),) = self.sent(1)
        self.assertEqual(body["Addresses"], {"bob-voip": {"ChannelType": "APNS_VOIP"}})
        self.assertEqual(body["MessageConfiguration"]["APNSMessage"]["APNSPushType"], "voip")

    def test_filtered_out_is_not_sent(self):
        channel = self.room("alice", "bob", "carol")
        self.register(self.bob, token="bob-iphone")
        self.register(self.carol, token="carol-iphone")
        self.filtered(channel, self.carol, {"mention": ["carol"]})
        self.send(channel, self.alice, MessageAttributes={"mention": {"StringValues": ["bob"]}})
        ((_, _, body),) = self.sent(1)
        time.sleep(0.3)
        self.assertEqual(len(self.pinpoint.requests), 1)
        self.assertEqual(list(body["Addresses"]), ["bob-iphone"])


if __name__ == "__main__":
    unittest.main()
