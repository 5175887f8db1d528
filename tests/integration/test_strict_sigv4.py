"""Strict SigV4 (issue 12): with --sigv4 strict and --credentials AKID:SECRET, boto3, the AWS
CLI and a raw WebSocket upgrade see the errors the real service answers for a wrong secret, an
unknown access key, a stale date and an unsigned request; the right signature works. The
default (lenient) mode still accepts anything."""

import datetime
import email.utils
import hashlib
import json
import re
import socket
import subprocess
import time
import unittest
import urllib.parse
from unittest import mock

import boto3
import botocore
import botocore.auth
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

import harness
from harness import ACCESS_KEY, REGION, SECRET_KEY, ChimeTestCase, quote_arn, unique_name
from raw_http import exchange, read_head, request_bytes

SECOND_KEY = ("AKIDSECONDKEY", "second/secret+key")
# A 12-digit access key acts in that account (docs/testing.md, "Isolation by account and region").
OTHER_ACCOUNT = ("222222222222", "s2")

MISMATCH = ("The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service documentation "
            "for details.")
UNKNOWN_KEY = "The security token included in the request is invalid."
EXPIRED = re.compile(r"^Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) "
                     r"\((\d{8}T\d{6}Z) - 15 min\.\)$")


def client(endpoint, service, access_key=ACCESS_KEY, secret=SECRET_KEY, **config):
    cfg = dict(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=5,
               read_timeout=30)
    cfg.update(config)
    session = boto3.session.Session(aws_access_key_id=access_key, aws_secret_access_key=secret,
                                    region_name=REGION)
    return session.client(service, endpoint_url=endpoint, config=Config(**cfg))


class SigV4ErrorAssertions:
    def assertAuthError(self, call, code, message=None, status=403):
        """`call` raises botocore's ClientError (these errors are not modeled, so there is no
        subclass) with Error.Code `code`, HTTP `status` and, if given, exactly `message`."""
        with self.assertRaises(ClientError) as ctx:
            call()
        e = ctx.exception
        self.assertIs(type(e), ClientError)
        self.assertEqual(e.response["Error"]["Code"], code, e.response)
        self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], status, e.response)
        if message is not None:
            self.assertEqual(e.response["Error"]["Message"], message)
        return e


class StrictSigV4Tests(SigV4ErrorAssertions, ChimeTestCase):
    server_args = ("--sigv4", "strict", "--credentials", f"{ACCESS_KEY}:{SECRET_KEY}",
                   "--credentials", f"{SECOND_KEY[0]}:{SECOND_KEY[1]}")

    def test_right_signature_works_with_arns_in_the_path_and_a_query(self):
        app = self.make_app_instance()
        user = self.make_user(app)
        # Double encoding: the ARN's %3A/%2F in the path are encoded again in the canonical request.
        self.assertEqual(self.identity.describe_app_instance(AppInstanceArn=app)["AppInstance"]["AppInstanceArn"], app)
        channel = self.make_channel(app, user)
        for text in ("one", "two", "three"):
            self.messaging.send_channel_message(ChannelArn=channel, ChimeBearer=user, Content=text,
                                                Type="STANDARD", Persistence="PERSISTENT")
        page = self.messaging.list_channel_messages(ChannelArn=channel, ChimeBearer=user, MaxResults=2,
                                                    SortOrder="ASCENDING")
        self.assertEqual([m["Content"] for m in page["ChannelMessages"]], ["one", "two"])
        page2 = self.messaging.list_channel_messages(ChannelArn=channel, ChimeBearer=user, MaxResults=2,
                                                     SortOrder="ASCENDING", NextToken=page["NextToken"])
        self.assertEqual([m["Content"] for m in page2["ChannelMessages"]], ["three"])
        # Any of the configured keys.
        second = client(self.endpoint, "chime-sdk-identity", *SECOND_KEY)
        self.assertIn(app, [a["AppInstanceArn"] for a in second.list_app_instances()["AppInstances"]])

    def test_wrong_secret_is_invalid_signature(self):
        wrong = client(self.endpoint, "chime-sdk-identity", ACCESS_KEY, SECRET_KEY + "x")
        self.assertAuthError(wrong.list_app_instances, "InvalidSignatureException", MISMATCH)
        wrong_messaging = client(self.endpoint, "chime-sdk-messaging", ACCESS_KEY, "not-the-secret")
        self.assertAuthError(lambda: wrong_messaging.list_channels(
            AppInstanceArn="arn:aws:chime:us-east-1:123456789012:app-instance/x",
            ChimeBearer="arn:aws:chime:us-east-1:123456789012:app-instance/x/user/u"),
            "InvalidSignatureException", MISMATCH)

    def test_unknown_access_key_is_unrecognized_client(self):
        stranger = client(self.endpoint, "chime-sdk-identity", "AKIDNOBODYKNOWS", SECRET_KEY)
        self.assertAuthError(stranger.list_app_instances, "UnrecognizedClientException", UNKNOWN_KEY)

    def test_stale_date_is_signature_expired(self):
        # botocore signs with a clock 20 minutes slow: the request's X-Amz-Date is 20 minutes old.
        real = botocore.auth.get_current_datetime
        slow = lambda: real() - datetime.timedelta(minutes=20)  # noqa: E731
        with mock.patch.object(botocore.auth, "get_current_datetime", slow):
            e = self.assertAuthError(self.identity.list_app_instances, "InvalidSignatureException")
        m = EXPIRED.match(e.response["Error"]["Message"])
        self.assertIsNotNone(m, e.response["Error"]["Message"])
        sent, limit, now = (datetime.datetime.strptime(g, "%Y%m%dT%H%M%SZ") for g in m.groups())
        self.assertEqual(now - limit, datetime.timedelta(minutes=15))
        self.assertAlmostEqual((now - sent).total_seconds(), 20 * 60, delta=5)
        # 10 minutes slow is still inside the window.
        slow10 = lambda: real() - datetime.timedelta(minutes=10)  # noqa: E731
        with mock.patch.object(botocore.auth, "get_current_datetime", slow10):
            self.identity.list_app_instances()

    def test_stale_date_by_hand_signed_request(self):
        # The same with a request signed by SigV4Auth and sent with urllib (no SDK error parsing).
        stamp = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20))
        req = AWSRequest(method="GET", url=self.endpoint + "/app-instances?max-results=5")
        auth = botocore.auth.SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "chime", REGION)
        with mock.patch.object(botocore.auth, "get_current_datetime", lambda: stamp):
            auth.add_auth(req)
        prepared = req.prepare()
        status, headers, body = harness.raw_request(
            self.endpoint, "GET", urllib.parse.urlsplit(prepared.url).path + "?max-results=5",
            headers=dict(prepared.headers))
        self.assertEqual(status, 403, body)
        self.assertEqual(headers["x-amzn-errortype"], "InvalidSignatureException")
        self.assertRegex(json.loads(body)["message"], EXPIRED)

    def test_unsigned_request_is_missing_authentication_token(self):
        anonymous = client(self.endpoint, "chime-sdk-identity", signature_version=botocore.UNSIGNED)
        self.assertAuthError(anonymous.list_app_instances, "MissingAuthenticationTokenException",
                             "Missing Authentication Token")

    def test_any_region_is_accepted_and_a_malformed_one_refused(self):
        # Isolation by account and region: a request signed for eu-west-1 acts in eu-west-1.
        def identity(region):
            return boto3.session.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                                         region_name=region).client(
                "chime-sdk-identity", endpoint_url=self.endpoint,
                config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))
        arn = identity("eu-west-1").create_app_instance(Name="west")["AppInstanceArn"]
        self.assertTrue(arn.startswith("arn:aws:chime:eu-west-1:"), arn)
        self.assertAuthError(identity("US-EAST-1").list_app_instances, "InvalidSignatureException",
                             "Credential should be scoped to a valid region, not 'US-EAST-1'. ")

    def test_errors_carry_a_correct_date_header(self):
        # The JS SDK v3 corrects its clock from it after an InvalidSignatureException.
        status, headers, _ = self.raw_request("GET", "/app-instances")
        self.assertEqual(status, 403)
        self.assertEqual(headers["x-amzn-errortype"], "MissingAuthenticationTokenException")
        sent = email.utils.parsedate_to_datetime(headers["date"])
        self.assertLess(abs(sent.timestamp() - time.time()), 5)

    def test_control_endpoints_are_not_aws_requests(self):
        status, _, _ = self.raw_request("GET", harness.HEALTH_PATH)
        self.assertEqual(status, 200)

    def test_aws_cli_with_the_right_and_a_wrong_secret(self):
        rc, data, err = self.run_aws("chime-sdk-identity", "list-app-instances", expect_rc=0)
        self.assertIn("AppInstances", data)
        env = harness._aws_env()
        env["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
        cmd = harness.aws_cli_command() + ["chime-sdk-identity", "list-app-instances", "--endpoint-url",
                                           self.endpoint, "--region", REGION, "--output", "json"]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
        self.assertIn(proc.returncode, (254, 255), proc.stderr)
        self.assertRegex(proc.stderr, r"An error occurred \(InvalidSignatureException\) when calling the "
                         r"ListAppInstances operation( \(reached max retries: \d+\))?: The request signature "
                         r"we calculated does not match")

    # -- the messaging session's presigned /connect ----------------------------------------

    def upgrade(self, target, host=None):
        """Sends a WebSocket upgrade request; returns (status, headers_lowercase, body_start)."""
        url = urllib.parse.urlsplit(self.endpoint)
        host = host or url.netloc
        with socket.create_connection((url.hostname, url.port), timeout=10) as s:
            s.sendall((f"GET {target} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                       "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Version: 13\r\n\r\n").encode())
            data = read_head(s)
            if b"\r\n\r\n" in data and not data.startswith(b"HTTP/1.1 101"):
                s.settimeout(2)
                try:
                    while True:
                        chunk = s.recv(4096)
                        if not chunk:
                            break
                        data += chunk
                except OSError:
                    pass
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
        return int(lines[0].split()[1]), headers, body

    def presigned_connect(self, user_arn, secret=SECRET_KEY, expires=10):
        url = f"{self.endpoint}/connect?sessionId=1&userArn={quote_arn(user_arn)}"
        req = AWSRequest(method="GET", url=url)
        SigV4QueryAuth(Credentials(ACCESS_KEY, secret), "chime", REGION, expires=expires).add_auth(req)
        parts = urllib.parse.urlsplit(req.prepare().url)
        return f"{parts.path}?{parts.query}"

    def test_connect_with_a_right_presigned_url_upgrades(self):
        app = self.make_app_instance()
        user = self.make_user(app)
        status, headers, _ = self.upgrade(self.presigned_connect(user))
        self.assertEqual(status, 101, headers)

    def test_connect_with_a_wrong_or_missing_presign_is_refused_before_the_upgrade(self):
        user = "arn:aws:chime:us-east-1:123456789012:app-instance/a/user/u"
        status, headers, body = self.upgrade(self.presigned_connect(user, secret="wrong"))
        self.assertEqual(status, 403, body)
        self.assertEqual(headers.get("x-amzn-errortype"), "InvalidSignatureException")
        self.assertIn(b"does not match", body)
        status, headers, _ = self.upgrade(f"/connect?sessionId=1&userArn={quote_arn(user)}")
        self.assertEqual(status, 403)
        self.assertEqual(headers.get("x-amzn-errortype"), "MissingAuthenticationTokenException")

    def test_connect_presigned_for_more_than_seven_days_is_refused(self):
        # AWS caps X-Amz-Expires at 604800 s (7 days: a SigV4 signing key's life).
        app = self.make_app_instance()
        user = self.make_user(app)
        status, headers, body = self.upgrade(self.presigned_connect(user, expires=604801))
        self.assertEqual(status, 403, body)
        self.assertEqual(headers.get("x-amzn-errortype"), "IncompleteSignatureException")
        self.assertEqual(json.loads(body)["message"],
                         "X-Amz-Expires must be less than a week (in seconds); that is, the given "
                         "X-Amz-Expires must be less than 604800 seconds")
        status, headers, _ = self.upgrade(self.presigned_connect(user, expires=604800))
        self.assertEqual(status, 101, headers)


class StrictSigV4TamperingTests(SigV4ErrorAssertions, ChimeTestCase):
    """Requests correctly signed with one key, then changed in transit: none may act in the
    other account (222222222222) or carry another body than the one signed."""

    server_args = ("--sigv4", "strict", "--credentials", f"{ACCESS_KEY}:{SECRET_KEY}",
                   "--credentials", f"{OTHER_ACCOUNT[0]}:{OTHER_ACCOUNT[1]}")

    def setUp(self):
        super().setUp()
        self.theirs = client(self.endpoint, "chime-sdk-identity", *OTHER_ACCOUNT)
        self.their_name = unique_name("theirs")
        self.their_app = self.theirs.create_app_instance(Name=self.their_name)["AppInstanceArn"]
        self.assertIn(":222222222222:", self.their_app)

    def assertTheirAppUntouched(self):
        app = self.theirs.describe_app_instance(AppInstanceArn=self.their_app)["AppInstance"]
        self.assertEqual(app["Name"], self.their_name)

    def signed_headers(self, method, path, body=b"", headers=None, key=(ACCESS_KEY, SECRET_KEY)):
        """The headers botocore's SigV4Auth adds (X-Amz-Date, Authorization) to `headers`."""
        req = AWSRequest(method=method, url=self.endpoint + path, data=body, headers=dict(headers or {}))
        SigV4Auth(Credentials(*key), "chime", REGION).add_auth(req)
        return dict(req.headers.items())

    def send(self, method, path, headers, body=b""):
        port = urllib.parse.urlsplit(self.endpoint).port
        host = urllib.parse.urlsplit(self.endpoint).netloc
        responses, _ = exchange(port, request_bytes(method, path, body, {**headers, "Connection": "close"},
                                                    host=host))
        self.assertEqual(len(responses), 1, responses)
        return responses[0]

    def test_a_credential_hidden_in_another_part_acts_in_no_other_account(self):
        delete_path = f"/app-instances/{quote_arn(self.their_app)}"
        # Untampered, the key acts in its own (default) account and does not see theirs.
        listed = self.send("GET", "/app-instances", self.signed_headers("GET", "/app-instances"))
        self.assertEqual(listed.status, 200, listed)
        self.assertNotIn(self.their_app, listed.body.decode())
        for method, path in (("GET", "/app-instances"), ("DELETE", delete_path)):
            headers = self.signed_headers(method, path)
            auth = headers["Authorization"]
            date = headers["X-Amz-Date"][:8]
            theirs = f"Credential={OTHER_ACCOUNT[0]}/{date}/{REGION}/chime/aws4_request, "
            prefix = "AWS4-HMAC-SHA256 "
            self.assertTrue(auth.startswith(prefix), auth)
            for tampered in (prefix + "X=" + theirs + auth[len(prefix):],  # an unknown part
                             prefix + theirs + auth[len(prefix):],  # a second Credential
                             auth + ", X=" + theirs.rstrip(", ")):
                r = self.send(method, path, {**headers, "Authorization": tampered})
                self.assertEqual(r.status, 403, (method, tampered, r))
                self.assertEqual(r.error_type, "IncompleteSignatureException", (method, tampered, r))
                self.assertNotIn(self.their_app, r.body.decode())
            self.assertTheirAppUntouched()

    def test_a_swapped_body_is_refused(self):
        def body(name):
            return json.dumps({"Name": name, "ClientRequestToken": name}).encode()
        signed_name, swapped_name = unique_name("signed"), unique_name("swapped")
        a, b = body(signed_name), body(swapped_name)
        hash_a = hashlib.sha256(a).hexdigest()
        json_type = {"Content-Type": "application/json"}
        # Signed for A, sent with B and A's hash in an unsigned x-amz-content-sha256.
        headers = {**self.signed_headers("POST", "/app-instances", a, json_type), "x-amz-content-sha256": hash_a}
        r = self.send("POST", "/app-instances", headers, b)
        self.assertEqual((r.status, r.error_type), (403, "InvalidSignatureException"), r)
        self.assertEqual(r.json()["message"], MISMATCH)
        # The same with a chunked body.
        chunked = {**headers, "Transfer-Encoding": "chunked"}
        r = self.send("POST", "/app-instances", chunked, b"%x\r\n%s\r\n0\r\n\r\n" % (len(b), b))
        self.assertEqual((r.status, r.error_type), (403, "InvalidSignatureException"), r)
        # A signed x-amz-content-sha256 (botocore then signs that value) must be B's hash.
        for claimed in (hash_a, "UNSIGNED-PAYLOAD"):
            headers = self.signed_headers("POST", "/app-instances", b, {**json_type, "X-Amz-Content-SHA256": claimed})
            self.assertIn("x-amz-content-sha256", headers["Authorization"])
            r = self.send("POST", "/app-instances", headers, b)
            self.assertEqual((r.status, r.error_type), (403, "InvalidSignatureException"), (claimed, r))
            self.assertRegex(r.json()["message"], r"^The provided 'x-amz-content-sha256' header does not match")
        names = [x["Name"] for x in self.identity.list_app_instances(MaxResults=50)["AppInstances"]]
        self.assertNotIn(swapped_name, names)
        self.assertTheirAppUntouched()
        # The body A it was signed for, with its own hash signed or not, is created.
        for sign_hash in (False, True):
            name = unique_name("ok")
            a = body(name)
            extra = {"X-Amz-Content-SHA256": hashlib.sha256(a).hexdigest()} if sign_hash else {}
            r = self.send("POST", "/app-instances",
                          self.signed_headers("POST", "/app-instances", a, {**json_type, **extra}), a)
            self.assertEqual(r.status, 201, r)
            self.assertIn(name, [x["Name"] for x in self.identity.list_app_instances(MaxResults=50)["AppInstances"]])

    def test_connect_reads_the_tenant_from_the_signature_it_verified(self):
        # An upgrade signed in its Authorization header by the default account's key, whose
        # (signed) query also names the other account's credential: the header is what was
        # verified, so the other account's user is unknown here (4401 after the upgrade).
        user = self.theirs.create_app_instance_user(AppInstanceArn=self.their_app, AppInstanceUserId="u1",
                                                    Name="u1")["AppInstanceUserArn"]
        date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d")
        foreign = urllib.parse.quote(f"{OTHER_ACCOUNT[0]}/{date}/{REGION}/chime/aws4_request", safe="")
        path = f"/connect?sessionId=1&userArn={quote_arn(user)}&X-Amz-Credential={foreign}"
        upgrade = {"Upgrade": "websocket", "Connection": "Upgrade",
                   "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13"}
        headers = self.signed_headers("GET", path, headers=upgrade)
        url = urllib.parse.urlsplit(self.endpoint)
        with socket.create_connection((url.hostname, url.port), timeout=10) as s:
            lines = [f"GET {path} HTTP/1.1", f"Host: {url.netloc}"] + [f"{k}: {v}" for k, v in headers.items()]
            s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            data = read_head(s)
            self.assertTrue(data.startswith(b"HTTP/1.1 101"), data)
            rest = data.partition(b"\r\n\r\n")[2]
            while len(rest) < 4:
                chunk = s.recv(4096)
                if not chunk:
                    break
                rest += chunk
        self.assertEqual(rest[0], 0x88, rest[:64])  # a close frame, not SESSION_ESTABLISHED
        self.assertEqual(int.from_bytes(rest[2:4], "big"), 4401, rest[:64])


class LenientSigV4Tests(ChimeTestCase):
    """The default: nothing is checked (today's behaviour)."""

    def test_anything_goes(self):
        wrong = client(self.endpoint, "chime-sdk-identity", "AKIDNOBODY", "wrong")
        wrong.create_app_instance(Name=unique_name(), ClientRequestToken=unique_name())
        anonymous = client(self.endpoint, "chime-sdk-identity", signature_version=botocore.UNSIGNED)
        self.assertTrue(anonymous.list_app_instances()["AppInstances"])
        real = botocore.auth.get_current_datetime
        with mock.patch.object(botocore.auth, "get_current_datetime",
                               lambda: real() - datetime.timedelta(days=2)):
            self.identity.list_app_instances()
        status, headers, _ = self.raw_request("GET", "/app-instances")
        self.assertEqual(status, 200)
        self.assertIn("date", headers)


if __name__ == "__main__":
    unittest.main()
