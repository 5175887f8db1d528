"""Control state scoped to one account, for parallel suites sharing one emulator (each signing
with its own 12-digit access key id): fault rules with "accountId" (or POSTed with ?accountId=)
fault only that account's requests and are listed and cleared per account; the request journal,
the event log and the channel-flow invocation queue list and clear per account."""
import json
import unittest
import uuid
from urllib.parse import quote

import boto3
from botocore.config import Config

from harness import ChimeTestCase, unique_name
from test_channel_flows import processor

A, B = "222222222222", "333333333333"


class TenantScopedControlTests(ChimeTestCase):
    def tenant(self, account):
        session = boto3.session.Session(aws_access_key_id=account, aws_secret_access_key="secret",
                                        region_name="us-east-1")
        cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"})
        identity = session.client("chime-sdk-identity", endpoint_url=self.endpoint, config=cfg)
        messaging = session.client("chime-sdk-messaging", endpoint_url=self.endpoint, config=cfg)
        app = identity.create_app_instance(Name=unique_name("app"))["AppInstanceArn"]
        user = identity.create_app_instance_user(AppInstanceArn=app, AppInstanceUserId=unique_name("u"),
                                                 Name="u")["AppInstanceUserArn"]
        channel = messaging.create_channel(AppInstanceArn=app, Name="c", ChimeBearer=user,
                                           ClientRequestToken=unique_name("t"))["ChannelArn"]
        return messaging, app, user, channel

    def control(self, method, path, body=None, expect=200):
        status, _, data = self.raw_request(method, path, body=None if body is None else json.dumps(body).encode(),
                                           headers={"Content-Type": "application/json"})
        self.assertEqual(status, expect, data)
        return json.loads(data) if data else None

    def send(self, messaging, channel, user, content="hi"):
        return messaging.send_channel_message(ChannelArn=channel, Content=content, Type="STANDARD",
                                              Persistence="PERSISTENT", ChimeBearer=user)

    def setUp(self):
        self.control("DELETE", "/_chime-local/faults")

    def test_a_fault_of_one_account_fails_only_that_accounts_requests(self):
        msg_a, _, user_a, channel_a = self.tenant(A)
        msg_b, _, user_b, channel_b = self.tenant(B)
        self.control("POST", "/_chime-local/faults",
                     {"operation": "SendChannelMessage", "error": "ServiceUnavailableException",
                      "accountId": A}, expect=201)
        # The same rule for B, scoped by the query instead of the body.
        self.control("POST", "/_chime-local/faults?accountId=" + B,
                     [{"operation": "ListChannelMessages", "error": "ThrottledClientException"}], expect=201)
        with self.assertRaises(msg_a.exceptions.ServiceUnavailableException):
            self.send(msg_a, channel_a, user_a)
        self.send(msg_b, channel_b, user_b)  # B's sends are not faulted
        msg_a.list_channel_messages(ChannelArn=channel_a, ChimeBearer=user_a)
        with self.assertRaises(msg_b.exceptions.ThrottledClientException):
            msg_b.list_channel_messages(ChannelArn=channel_b, ChimeBearer=user_b)
        listed_a = self.control("GET", "/_chime-local/faults?accountId=" + A)["faults"]
        self.assertEqual([(r["operation"], r["accountId"]) for r in listed_a], [("SendChannelMessage", A)])
        self.assertEqual(len(self.control("GET", "/_chime-local/faults")["faults"]), 2)
        self.control("DELETE", "/_chime-local/faults?accountId=" + A)
        self.send(msg_a, channel_a, user_a)
        self.assertEqual([r["accountId"] for r in self.control("GET", "/_chime-local/faults")["faults"]], [B])
        self.control("POST", "/_chime-local/faults", {"error": "ConflictException", "accountId": "12"}, expect=400)
        self.control("POST", "/_chime-local/faults", {"error": "ConflictException", "region": "Mars"}, expect=400)
        self.control("GET", "/_chime-local/faults?acountId=" + A, expect=400)

    def test_a_fault_of_one_region_fails_only_that_regions_requests(self):
        msg_a, _, user_a, channel_a = self.tenant(A)
        self.control("POST", "/_chime-local/faults",
                     {"operation": "SendChannelMessage", "error": "ForbiddenException", "region": "eu-central-1"},
                     expect=201)
        self.send(msg_a, channel_a, user_a)  # us-east-1

    def test_the_journal_lists_and_clears_per_account(self):
        msg_a, _, user_a, channel_a = self.tenant(A)
        msg_b, _, user_b, channel_b = self.tenant(B)
        self.send(msg_a, channel_a, user_a, "from a")
        self.send(msg_b, channel_b, user_b, "from b")
        journal_a = self.control("GET", "/_chime-local/requests?operation=SendChannelMessage&accountId=" + A)
        self.assertEqual({(r["accountId"], r["region"]) for r in journal_a["requests"]}, {(A, "us-east-1")})
        self.assertIn(channel_a, [r["channelArn"] for r in journal_a["requests"]])
        self.assertNotIn(channel_b, [r["channelArn"] for r in journal_a["requests"]])
        self.control("DELETE", "/_chime-local/requests?accountId=" + A)
        self.assertEqual(self.control("GET", "/_chime-local/requests?accountId=" + A)["requests"], [])
        self.assertNotEqual(self.control("GET", "/_chime-local/requests?accountId=" + B)["requests"], [])
        self.control("DELETE", "/_chime-local/requests?accountId=abc", expect=400)

    def test_events_list_and_clear_per_account(self):
        msg_a, _, user_a, channel_a = self.tenant(A)
        msg_b, _, user_b, channel_b = self.tenant(B)
        self.send(msg_a, channel_a, user_a)
        self.send(msg_b, channel_b, user_b)
        got = self.control("GET", "/_chime-local/events?type=CREATE_CHANNEL_MESSAGE&accountId=" + A)["events"]
        self.assertTrue(got)
        self.assertEqual({e["accountId"] for e in got}, {A})
        self.control("DELETE", "/_chime-local/events?accountId=" + A)
        self.assertEqual(self.control("GET", "/_chime-local/events?accountId=" + A)["events"], [])
        self.assertNotEqual(self.control("GET", "/_chime-local/events?accountId=" + B)["events"], [])

    def test_flow_invocations_list_per_account(self):
        flows = {}
        for account in (A, B):
            messaging, app, user, channel = self.tenant(account)
            flow = messaging.create_channel_flow(AppInstanceArn=app, Name="f", Processors=[processor()],
                                                 ClientRequestToken=str(uuid.uuid4()))["ChannelFlowArn"]
            messaging.associate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow, ChimeBearer=user)
            flows[account] = self.send(messaging, channel, user, "held")["MessageId"]
        for account in (A, B):
            got = self.control("GET", "/_chime-local/channel-flow-invocations?accountId=" + account)["Invocations"]
            self.assertEqual([i["MessageId"] for i in got], [flows[account]])
        self.assertEqual(self.control("GET", "/_chime-local/channel-flow-invocations?accountId=" + A +
                                      "&region=eu-central-1")["Invocations"], [])
        self.control("GET", "/_chime-local/channel-flow-invocations?accountId=1", expect=400)


    def test_throttling_buckets_are_per_account_and_its_settings_global(self):
        identity = lambda account: boto3.session.Session(
            aws_access_key_id=account, aws_secret_access_key="secret", region_name="us-east-1").client(
            "chime-sdk-identity", endpoint_url=self.endpoint,
            config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))
        id_a, id_b = identity(A), identity(B)
        self.control("POST", "/_chime-local/throttle", {"enabled": True, "quotas": {"ListAppInstances": 0.01}})
        self.addCleanup(self.control, "POST", "/_chime-local/throttle", {"enabled": False, "reset": True})
        id_a.list_app_instances()
        with self.assertRaises(id_a.exceptions.ThrottledClientException):
            id_a.list_app_instances()
        id_b.list_app_instances()  # B draws from a bucket of its own, at the same (global) rate
        with self.assertRaises(id_b.exceptions.ThrottledClientException):
            id_b.list_app_instances()

if __name__ == "__main__":
    unittest.main()
