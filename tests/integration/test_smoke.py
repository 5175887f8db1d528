"""Smoke tests: the server starts, answers its health check, speaks the AWS rest-json error
format, and real clients (boto3 and the AWS CLI) can create and read an AppInstance."""

import json
import re
import unittest

from harness import ACCOUNT_ID, HEALTH_PATH, REGION, ChimeTestCase, unique_name

APP_INSTANCE_ARN_RE = re.compile(
    rf"^arn:aws:chime:{REGION}:{ACCOUNT_ID}:app-instance/[A-Za-z0-9-]+$")


class HealthTest(ChimeTestCase):
    def test_health_get_is_200_json(self):
        status, headers, body = self.raw_request("GET", HEALTH_PATH)
        self.assertEqual(status, 200)
        self.assertIn("application/json", headers.get("content-type", ""))
        self.assertIsInstance(json.loads(body), dict)

    def test_health_head_is_200_without_body(self):
        status, _, body = self.raw_request("HEAD", HEALTH_PATH)
        self.assertEqual(status, 200)
        self.assertEqual(body, b"")

    def test_unknown_route_is_a_rest_json_error(self):
        status, headers, body = self.raw_request(
            "GET", "/no-such-route/x", headers={"Accept": "application/json"})
        self.assertGreaterEqual(status, 400)
        self.assertLess(status, 500)
        error_type = headers.get("x-amzn-errortype", "")
        self.assertTrue(error_type, f"no x-amzn-ErrorType header in {headers}")
        self.assertTrue(headers.get("x-amzn-requestid"), f"no x-amzn-RequestId in {headers}")
        self.assertIn("application/json", headers.get("content-type", ""))
        doc = json.loads(body)
        self.assertIsInstance(doc, dict)
        # Header = the modeled shape name (e.g. NotFoundException); body Code = the ErrorCode
        # enum value AWS pairs with it (e.g. NotFound).
        shape = error_type.split(":")[0]
        self.assertTrue(shape.endswith("Exception"), error_type)
        if "Code" in doc:
            self.assertIn(doc["Code"], (shape, shape[: -len("Exception")]))
        self.assertTrue(any(k in doc for k in ("Message", "message")), doc)


class AppInstanceBoto3Test(ChimeTestCase):
    def test_create_and_describe(self):
        name = unique_name("smoke")
        resp = self.identity.create_app_instance(Name=name, Metadata="m")
        self.assertIn(resp["ResponseMetadata"]["HTTPStatusCode"], (200, 201))
        arn = resp["AppInstanceArn"]
        self.assertRegex(arn, APP_INSTANCE_ARN_RE)

        desc = self.identity.describe_app_instance(AppInstanceArn=arn)["AppInstance"]
        self.assertEqual(desc["AppInstanceArn"], arn)
        self.assertEqual(desc["Name"], name)
        self.assertEqual(desc.get("Metadata"), "m")

    def test_empty_name_is_bad_request(self):
        with self.assertClientError("BadRequestException") as ctx:
            self.raw_identity.create_app_instance(Name="")
        self.assertTrue(ctx.message)

    def test_request_id_header(self):
        resp = self.identity.create_app_instance(Name=unique_name("smoke"))
        self.assertTrue(resp["ResponseMetadata"].get("RequestId"))


class AppInstanceCliTest(ChimeTestCase):
    def test_create_and_describe(self):
        name = unique_name("cli")
        rc, out, err = self.run_aws("chime-sdk-identity", "create-app-instance", "--name", name)
        self.assertEqual(rc, 0, err)
        arn = out["AppInstanceArn"]
        self.assertRegex(arn, APP_INSTANCE_ARN_RE)

        rc, out, err = self.run_aws(
            "chime-sdk-identity", "describe-app-instance", "--app-instance-arn", arn,
            expect_rc=0)
        self.assertEqual(out["AppInstance"]["Name"], name)

    def test_missing_app_instance_is_a_service_error(self):
        # NotFoundException is not modeled for DescribeAppInstance, so which 4xx exception the
        # api layer picks is its choice; the CLI must show a modeled one (not a parse failure).
        missing = (f"arn:aws:chime:{REGION}:{ACCOUNT_ID}:app-instance/"
                   "00000000-0000-0000-0000-000000000000")
        rc, out, err = self.run_aws(
            "chime-sdk-identity", "describe-app-instance", "--app-instance-arn", missing)
        self.assertNotEqual(rc, 0)
        self.assertRegex(
            err, r"An error occurred \((NotFound|Forbidden|BadRequest)Exception\)")


if __name__ == "__main__":
    unittest.main()
