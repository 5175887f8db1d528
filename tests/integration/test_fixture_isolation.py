"""Isolation by account and region: a 12-digit access key id is the account, the SigV4
credential scope's region is the region; anything else falls back to --account-id/--region.
New ARNs carry them, lists show only the caller's, and another account's or region's resource
is not found (boto3 sees what a missing resource gets: NotFoundException where the operation
models it, else ForbiddenException; a foreign bearer is UnauthorizedClientException)."""
import json
import unittest

import boto3
from botocore.config import Config

from harness import ChimeTestCase, unique_name


class IsolationTests(ChimeTestCase):
    server_args = ("--account-id", "999999999999", "--region", "us-west-2")

    def clients(self, access_key, region):
        session = boto3.session.Session(aws_access_key_id=access_key, aws_secret_access_key="secret",
                                        region_name=region)
        cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"})
        return (session.client("chime-sdk-identity", endpoint_url=self.endpoint, config=cfg),
                session.client("chime-sdk-messaging", endpoint_url=self.endpoint, config=cfg))

    def cast(self, identity, messaging):
        app = identity.create_app_instance(Name=unique_name("app"))["AppInstanceArn"]
        user = identity.create_app_instance_user(AppInstanceArn=app, AppInstanceUserId=unique_name("u"),
                                                 Name="u")["AppInstanceUserArn"]
        channel = messaging.create_channel(AppInstanceArn=app, Name="c", ChimeBearer=user,
                                           ClientRequestToken=unique_name("t"))["ChannelArn"]
        return app, user, channel

    def test_a_twelve_digit_access_key_is_the_account_and_the_scope_region_the_region(self):
        identity, messaging = self.clients("111111111111", "eu-central-1")
        app, user, channel = self.cast(identity, messaging)
        self.assertTrue(app.startswith("arn:aws:chime:eu-central-1:111111111111:app-instance/"), app)
        self.assertTrue(channel.startswith(app + "/channel/"), channel)

    def test_other_access_keys_use_the_default_account_and_unsigned_the_default_region(self):
        identity, messaging = self.clients("AKIDEXAMPLE", "ap-southeast-1")
        app, _, _ = self.cast(identity, messaging)
        self.assertTrue(app.startswith("arn:aws:chime:ap-southeast-1:999999999999:app-instance/"), app)
        status, _, body = self.raw_request("POST", "/app-instances",
                                           body=b'{"Name":"unsigned","ClientRequestToken":"unsigned-token-1"}',
                                           headers={"Content-Type": "application/json"})
        self.assertEqual(status, 201, body)
        self.assertIn(b"arn:aws:chime:us-west-2:999999999999:app-instance/", body)

    def test_two_accounts_do_not_see_each_other(self):
        id_a, msg_a = self.clients("222222222222", "us-east-1")
        id_b, msg_b = self.clients("333333333333", "us-east-1")
        app_a, user_a, channel_a = self.cast(id_a, msg_a)
        app_b, user_b, channel_b = self.cast(id_b, msg_b)
        listed_a = [a["AppInstanceArn"] for a in id_a.list_app_instances()["AppInstances"]]
        listed_b = [a["AppInstanceArn"] for a in id_b.list_app_instances()["AppInstances"]]
        self.assertEqual(listed_a, [app_a])
        self.assertEqual(listed_b, [app_b])
        # B names A's resources: they do not exist for B.
        with self.assertRaises(id_b.exceptions.ForbiddenException) as ctx:
            id_b.describe_app_instance(AppInstanceArn=app_a)
        self.assertIn("222222222222", str(ctx.exception))
        with self.assertRaises(id_b.exceptions.ForbiddenException):
            id_b.describe_app_instance_user(AppInstanceUserArn=user_a)
        with self.assertRaises(msg_b.exceptions.UnauthorizedClientException):
            msg_b.describe_channel(ChannelArn=channel_a, ChimeBearer=user_a)
        with self.assertRaises(msg_b.exceptions.ForbiddenException):
            msg_b.send_channel_message(ChannelArn=channel_a, Content="x", Type="STANDARD",
                                       Persistence="PERSISTENT", ChimeBearer=user_b)
        with self.assertRaises(id_b.exceptions.ForbiddenException):
            id_b.delete_app_instance(AppInstanceArn=app_a)
        # A's data is untouched and A still works.
        msg_a.send_channel_message(ChannelArn=channel_a, Content="mine", Type="STANDARD",
                                   Persistence="PERSISTENT", ChimeBearer=user_a)
        got = msg_a.list_channel_messages(ChannelArn=channel_a, ChimeBearer=user_a)["ChannelMessages"]
        self.assertEqual([m["Content"] for m in got], ["mine"])

    def test_two_regions_of_one_account_do_not_see_each_other(self):
        id_east, msg_east = self.clients("444444444444", "us-east-1")
        id_west, msg_west = self.clients("444444444444", "eu-central-1")
        app_east, user_east, channel_east = self.cast(id_east, msg_east)
        app_west, _, _ = self.cast(id_west, msg_west)
        self.assertEqual([a["AppInstanceArn"] for a in id_east.list_app_instances()["AppInstances"]], [app_east])
        self.assertEqual([a["AppInstanceArn"] for a in id_west.list_app_instances()["AppInstances"]], [app_west])
        with self.assertRaises(id_west.exceptions.ForbiddenException):
            id_west.describe_app_instance(AppInstanceArn=app_east)
        with self.assertRaises(msg_west.exceptions.UnauthorizedClientException):
            msg_west.list_channel_messages(ChannelArn=channel_east, ChimeBearer=user_east)

    def test_a_client_request_token_is_per_account(self):
        id_a, _ = self.clients("555555555555", "us-east-1")
        id_b, _ = self.clients("666666666666", "us-east-1")
        a = id_a.create_app_instance(Name="same", ClientRequestToken="shared-token-0001")["AppInstanceArn"]
        b = id_b.create_app_instance(Name="same", ClientRequestToken="shared-token-0001")["AppInstanceArn"]
        self.assertNotEqual(a, b)
        self.assertIn(":666666666666:", b)

    def test_reset_of_one_tenant_leaves_the_others(self):
        # Parallel suites, each in its own account: one suite's reset empties only its own tenant.
        mine = self.clients("880000000001", "us-east-1")
        other_region = self.clients("880000000001", "eu-west-1")
        other_account = self.clients("880000000002", "us-east-1")
        for identity, messaging in (mine, mine, other_region, other_account):
            self.cast(identity, messaging)
        status, _, body = self.raw_request("POST", "/_chime-local/reset?accountId=880000000001&region=us-east-1")
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["appInstances"], 2)
        self.assertEqual(mine[0].list_app_instances()["AppInstances"], [])
        self.assertEqual(len(other_region[0].list_app_instances()["AppInstances"]), 1)
        self.assertEqual(len(other_account[0].list_app_instances()["AppInstances"]), 1)
        # Without region: the emulator's --region; a malformed account is refused.
        status, _, body = self.raw_request("POST", "/_chime-local/reset?accountId=880000000002")
        self.assertEqual((status, json.loads(body)["region"]), (200, "us-west-2"), body)
        self.assertEqual(len(other_account[0].list_app_instances()["AppInstances"]), 1)
        status, _, body = self.raw_request("POST", "/_chime-local/reset?accountId=12345")
        self.assertEqual(status, 400, body)

    def test_a_seed_can_name_its_account_and_region(self):
        app = "arn:aws:chime:eu-west-1:777777777777:app-instance/00000000-0000-4000-8000-0000000000aa"
        seed = {"AccountId": "777777777777", "Region": "eu-west-1",
                "AppInstances": [{"Name": "tenant-seed", "AppInstanceId": app.rsplit("/", 1)[1]}],
                "AppInstanceUsers": [{"AppInstanceArn": app, "AppInstanceUserId": "alice", "Name": "Alice"}]}
        status, _, body = self.raw_request("POST", "/_chime-local/seed", body=json.dumps(seed).encode(),
                                           headers={"Content-Type": "application/json"})
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["AppInstances"], [app])
        mine, _ = self.clients("777777777777", "eu-west-1")
        self.assertEqual([a["AppInstanceArn"] for a in mine.list_app_instances()["AppInstances"]], [app])
        self.assertEqual(mine.describe_app_instance_user(AppInstanceUserArn=app + "/user/alice")
                         ["AppInstanceUser"]["Name"], "Alice")
        default, _ = self.clients("AKIDEXAMPLE", "us-west-2")
        with self.assertRaises(default.exceptions.ForbiddenException):
            default.describe_app_instance(AppInstanceArn=app)

    def test_a_seed_refuses_an_arn_of_another_tenant_and_creates_nothing(self):
        other = "arn:aws:chime:us-west-2:999999999999:app-instance/00000000-0000-4000-8000-0000000000bb"
        seed = {"AccountId": "888888888888",
                "AppInstances": [{"Name": "tenant-seed-2", "AppInstanceId": "00000000-0000-4000-8000-0000000000cc"}],
                "AppInstanceUsers": [{"AppInstanceArn": other, "AppInstanceUserId": "bob", "Name": "Bob"}]}
        status, _, body = self.raw_request("POST", "/_chime-local/seed", body=json.dumps(seed).encode(),
                                           headers={"Content-Type": "application/json"})
        self.assertEqual(status, 400, body)
        self.assertIn("AppInstanceUsers[0]", json.loads(body)["Message"])
        self.assertIn("888888888888", json.loads(body)["Message"])
        mine, _ = self.clients("888888888888", "us-west-2")
        self.assertEqual(mine.list_app_instances()["AppInstances"], [])
        for bad, field in (({"AccountId": "12"}, "AccountId"), ({"Region": "Not A Region"}, "Region")):
            status, _, body = self.raw_request("POST", "/_chime-local/seed", body=json.dumps(bad).encode(),
                                               headers={"Content-Type": "application/json"})
            self.assertEqual(status, 400, body)
            self.assertIn(field, json.loads(body)["Message"])


if __name__ == "__main__":
    unittest.main()
