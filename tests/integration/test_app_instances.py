"""AppInstance operations, tags, the wire error format and the control plane, driven with
boto3 and the AWS CLI against the real binary."""

import json
import unittest

from harness import ChimeTestCase, quote_arn, unique_name


class AppInstanceTest(ChimeTestCase):
    def test_create_is_idempotent_on_client_request_token(self):
        name = unique_name("app")
        first = self.identity.create_app_instance(Name=name, ClientRequestToken="token-app-1")
        again = self.identity.create_app_instance(Name=name, ClientRequestToken="token-app-1")
        self.assertEqual(first["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual(first["AppInstanceArn"], again["AppInstanceArn"])
        with self.assertClientError("ConflictException") as ctx:
            self.identity.create_app_instance(Name=name + "-other", ClientRequestToken="token-app-1")
        self.assertIn("ClientRequestToken", ctx.message)

    def test_describe_update_delete(self):
        arn = self.make_app_instance(Metadata="first")
        desc = self.identity.describe_app_instance(AppInstanceArn=arn)["AppInstance"]
        self.assertEqual(desc["Metadata"], "first")
        created = desc["CreatedTimestamp"]
        self.identity.update_app_instance(AppInstanceArn=arn, Name="renamed", Metadata="second")
        desc = self.identity.describe_app_instance(AppInstanceArn=arn)["AppInstance"]
        self.assertEqual((desc["Name"], desc["Metadata"]), ("renamed", "second"))
        self.assertGreaterEqual(desc["LastUpdatedTimestamp"], created)
        resp = self.identity.delete_app_instance(AppInstanceArn=arn)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        # DescribeAppInstance does not model NotFoundException: unknown -> ForbiddenException.
        with self.assertClientError("ForbiddenException") as ctx:
            self.identity.describe_app_instance(AppInstanceArn=arn)
        self.assertIn("does not exist", ctx.message)
        with self.assertClientError("ForbiddenException"):
            self.identity.delete_app_instance(AppInstanceArn=arn)

    def test_delete_removes_users_inside(self):
        app = self.make_app_instance()
        user = self.make_user(app)
        self.identity.delete_app_instance(AppInstanceArn=app)
        with self.assertClientError("ForbiddenException"):
            self.identity.describe_app_instance_user(AppInstanceUserArn=user)

    def test_list_pages_with_next_token(self):
        made = {self.make_app_instance() for _ in range(5)}
        seen, token = [], None
        while True:
            kw = {"MaxResults": 2}
            if token:
                kw["NextToken"] = token
            page = self.identity.list_app_instances(**kw)
            self.assertLessEqual(len(page["AppInstances"]), 2)
            seen += [a["AppInstanceArn"] for a in page["AppInstances"]]
            token = page.get("NextToken")
            if not token:
                break
        self.assertTrue(made <= set(seen))
        self.assertEqual(len(seen), len(set(seen)), "a page repeated an app instance")

    def test_bad_next_token_and_max_results(self):
        with self.assertClientError("BadRequestException") as ctx:
            self.identity.list_app_instances(NextToken="not-a-token")
        self.assertIn("NextToken", ctx.message)
        with self.assertClientError("BadRequestException") as ctx:
            self.raw_identity.list_app_instances(MaxResults=51)
        self.assertIn("MaxResults", ctx.message)

    def test_validation_names_member_and_rule(self):
        with self.assertClientError("BadRequestException") as ctx:
            self.raw_identity.create_app_instance(Name="x" * 257, ClientRequestToken="tok-valid-1")
        self.assertIn("'Name'", ctx.message)
        self.assertIn("length less than or equal to 256", ctx.message)
        with self.assertClientError("BadRequestException") as ctx:
            self.raw_identity.create_app_instance(Name="ok", ClientRequestToken="bad token!")
        self.assertIn("ClientRequestToken", ctx.message)
        self.assertIn("pattern", ctx.message)

    def test_aws_cli_create_and_describe(self):
        rc, out, err = self.run_aws("chime-sdk-identity", "create-app-instance", "--name", "cli-app")
        self.assertEqual(rc, 0, err)
        arn = out["AppInstanceArn"]
        rc, out, err = self.run_aws("chime-sdk-identity", "describe-app-instance",
                                    "--app-instance-arn", arn)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["AppInstance"]["Name"], "cli-app")
        rc, out, err = self.run_aws("chime-sdk-identity", "describe-app-instance",
                                    "--app-instance-arn", arn + "-missing")
        self.assertNotEqual(rc, 0)
        self.assertIn("ForbiddenException", err)


class TagTest(ChimeTestCase):
    def test_tags_on_app_instance_via_both_services(self):
        app = self.make_app_instance(Tags=[{"Key": "team", "Value": "a"}])
        self.assertEqual(self.identity.list_tags_for_resource(ResourceARN=app)["Tags"],
                         [{"Key": "team", "Value": "a"}])
        self.messaging.tag_resource(ResourceARN=app, Tags=[{"Key": "env", "Value": "dev"}])
        tags = self.identity.list_tags_for_resource(ResourceARN=app)["Tags"]
        self.assertEqual(sorted(t["Key"] for t in tags), ["env", "team"])
        self.identity.untag_resource(ResourceARN=app, TagKeys=["team"])
        self.assertEqual(self.messaging.list_tags_for_resource(ResourceARN=app)["Tags"],
                         [{"Key": "env", "Value": "dev"}])

    def test_tag_limit_and_unknown_resource(self):
        app = self.make_app_instance()
        self.identity.tag_resource(ResourceARN=app, Tags=[{"Key": f"a{i}", "Value": "v"} for i in range(30)])
        with self.assertClientError("ResourceLimitExceededException") as ctx:
            self.identity.tag_resource(ResourceARN=app, Tags=[{"Key": f"b{i}", "Value": "v"} for i in range(21)])
        self.assertIn("51", ctx.message)
        # Re-tagging existing keys does not count twice.
        self.identity.tag_resource(ResourceARN=app, Tags=[{"Key": f"a{i}", "Value": "w"} for i in range(30)])
        with self.assertClientError("ForbiddenException") as ctx:
            self.identity.list_tags_for_resource(ResourceARN=app + "/channel/nope")
        self.assertIn("does not exist", ctx.message)


class WireFormatTest(ChimeTestCase):
    def _error(self, method, path, body=None, headers=None):
        status, hdrs, raw = self.raw_request(method, path, headers=headers, body=body)
        return status, hdrs.get("x-amzn-errortype"), json.loads(raw) if raw else None, hdrs

    def test_invalid_json_is_bad_request(self):
        status, etype, doc, hdrs = self._error("POST", "/app-instances", body=b"{not json",
                                               headers={"Content-Type": "application/json"})
        self.assertEqual((status, etype, doc["Code"]), (400, "BadRequestException", "BadRequest"))
        self.assertTrue(hdrs.get("x-amzn-requestid"))

    def test_non_object_body_is_bad_request(self):
        status, etype, doc, _ = self._error("POST", "/app-instances", body=b"[1,2]",
                                            headers={"Content-Type": "application/json"})
        self.assertEqual((status, etype), (400, "BadRequestException"))
        self.assertIn("JSON object", doc["Message"])

    def test_unknown_route_and_wrong_method(self):
        status, etype, doc, _ = self._error("GET", "/no/such/path")
        self.assertEqual((status, etype, doc["Code"]), (404, "NotFoundException", "NotFound"))
        status, etype, doc, _ = self._error("PATCH", "/app-instances")
        self.assertEqual((status, etype), (400, "BadRequestException"))
        self.assertIn("PATCH", doc["Message"])

    def test_missing_bearer_names_the_header(self):
        app = self.make_app_instance()
        status, etype, doc, _ = self._error(
            "GET", "/channels?app-instance-arn=" + quote_arn(app))
        self.assertEqual((status, etype), (400, "BadRequestException"))
        self.assertIn("x-amz-chime-bearer", doc["Message"])

    def test_every_operation_is_built(self):
        status, _, raw = self.raw_request("GET", "/_chime-local/operations")
        self.assertEqual(status, 200)
        ops = json.loads(raw)
        self.assertEqual(ops["chime-sdk-messaging"]["notImplemented"], [])
        self.assertEqual(ops["chime-sdk-identity"]["notImplemented"], [])
        self.assertEqual(len(ops["chime-sdk-messaging"]["implemented"]), 51)
        self.assertEqual(len(ops["chime-sdk-identity"]["implemented"]), 30)
        # The last one built: the messaging session's endpoint, host:port without a scheme.
        url = self.messaging.get_messaging_session_endpoint()["Endpoint"]["Url"]
        self.assertEqual(url, "127.0.0.1:%d" % self.server.port)


class ControlPlaneTest(ChimeTestCase):
    def test_operations_lists_every_operation_once(self):
        status, _, raw = self.raw_request("GET", "/_chime-local/operations")
        self.assertEqual(status, 200)
        doc = json.loads(raw)
        counts = {s: len(v["implemented"]) + len(v["notImplemented"]) for s, v in doc.items()}
        self.assertEqual(counts, {"chime-sdk-messaging": 51, "chime-sdk-identity": 30})
        self.assertIn("CreateAppInstance", doc["chime-sdk-identity"]["implemented"])

    def test_reset_empties_the_store(self):
        arn = self.make_app_instance()
        status, _, _ = self.raw_request("POST", "/_chime-local/reset")
        self.assertEqual(status, 200)
        with self.assertClientError("ForbiddenException"):
            self.identity.describe_app_instance(AppInstanceArn=arn)
        self.assertEqual(self.identity.list_app_instances()["AppInstances"], [])


class RestartTest(ChimeTestCase):
    persistent = True  # a SQLite file in a temp dir

    def test_data_survives_a_clean_restart(self):
        app = self.make_app_instance(Metadata="kept")
        user = self.make_user(app, name="Keeper")
        admin = self.make_admin(app, self.make_user(app))
        channel = self.make_channel(app, user, Privacy="PRIVATE", Metadata="chan")  # user: member too
        self.identity.tag_resource(ResourceARN=channel, Tags=[{"Key": "k", "Value": "v"}])

        self.assertEqual(self.restart_server(), 0, "SIGTERM must exit cleanly")

        self.assertEqual(self.identity.describe_app_instance(AppInstanceArn=app)["AppInstance"]["Metadata"],
                         "kept")
        self.assertEqual(self.identity.describe_app_instance_user(AppInstanceUserArn=user)
                         ["AppInstanceUser"]["Name"], "Keeper")
        admins = self.identity.list_app_instance_admins(AppInstanceArn=app)["AppInstanceAdmins"]
        self.assertEqual([a["Admin"]["Arn"] for a in admins], [admin])
        desc = self.messaging.describe_channel(ChannelArn=channel, ChimeBearer=user)["Channel"]
        self.assertEqual((desc["Privacy"], desc["Metadata"]), ("PRIVATE", "chan"))
        members = self.messaging.list_channel_memberships(ChannelArn=channel, ChimeBearer=user)
        self.assertEqual([m["Member"]["Arn"] for m in members["ChannelMemberships"]], [user])
        self.assertEqual(self.messaging.list_tags_for_resource(ResourceARN=channel)["Tags"],
                         [{"Key": "k", "Value": "v"}])


if __name__ == "__main__":
    unittest.main()
