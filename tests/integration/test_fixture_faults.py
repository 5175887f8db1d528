"""Fault injection (/_chime-local/faults, --faults-file) and the request journal
(/_chime-local/requests), driven as a test suite would: boto3 sees the injected exception
class, counts run out, probability 0 never fires, a faulted write leaves nothing, an injected
latency delays only its own request, and the journal records what the app sent."""
import json
import os
import subprocess
import tempfile
import threading
import time
import unittest

from harness import ChimeLocal, ChimeTestCase, make_client, server_binary, unique_name


class FaultTests(ChimeTestCase):
    def setUp(self):
        self.control("DELETE", "/_chime-local/faults")

    def control(self, method, path, body=None):
        status, _, data = self.raw_request(method, path, body=None if body is None else json.dumps(body).encode(),
                                           headers={"Content-Type": "application/json"})
        return status, (json.loads(data) if data else None)

    def add(self, **rule):
        status, stored = self.control("POST", "/_chime-local/faults", rule)
        self.assertEqual(status, 201, stored)
        return stored

    def test_each_modeled_error_reaches_boto3_as_its_exception_class(self):
        app, user, channel = self.make_user_and_channel()
        for error in ("BadRequestException", "ConflictException", "ForbiddenException", "NotFoundException",
                      "ResourceLimitExceededException", "ServiceFailureException",
                      "ServiceUnavailableException", "ThrottledClientException", "UnauthorizedClientException"):
            self.add(operation="SendChannelMessage", error=error, message="injected " + error, count=1)
            with self.assertClientError(error) as ctx:
                self.send_text(channel, user)
            self.assertIn("injected " + error, ctx.message)
        self.send_text(channel, user)  # every count ran out

    def test_the_third_send_fails_and_the_faulted_write_leaves_nothing(self):
        app, user, channel = self.make_user_and_channel()
        self.send_text(channel, user, "one")
        self.send_text(channel, user, "two")
        self.add(operation="SendChannelMessage", error="ServiceUnavailableException", count=1)
        with self.assertClientError("ServiceUnavailableException", 503):
            self.send_text(channel, user, "three")
        self.send_text(channel, user, "four")
        contents = [m["Content"] for m in self.messaging.list_channel_messages(
            ChannelArn=channel, ChimeBearer=user, SortOrder="ASCENDING")["ChannelMessages"]]
        self.assertEqual(contents, ["one", "two", "four"])
        rules = self.control("GET", "/_chime-local/faults")[1]["faults"]
        self.assertEqual((rules[0]["matched"], rules[0]["fired"], rules[0]["remaining"]), (1, 1, 0))

    def test_probability_zero_never_fires_and_one_always_does(self):
        app, user, channel = self.make_user_and_channel()
        self.add(operation="SendChannelMessage", error="ThrottledClientException", probability=0)
        for _ in range(5):
            self.send_text(channel, user)
        self.control("DELETE", "/_chime-local/faults")
        self.add(operation="SendChannelMessage", error="ThrottledClientException", probability=1.0)
        for _ in range(3):
            with self.assertClientError("ThrottledClientException", 429):
                self.send_text(channel, user)

    def test_rules_match_by_bearer_channel_and_app_instance_first_rule_wins(self):
        app, user, channel = self.make_user_and_channel()
        other = self.make_user(app)
        self.messaging.create_channel_membership(ChannelArn=channel, MemberArn=other, Type="DEFAULT",
                                                 ChimeBearer=user)
        self.add(bearer=other, error="ForbiddenException", message="first")
        self.add(channelArn=channel, error="ConflictException", message="second")
        with self.assertClientError("ForbiddenException"):
            self.send_text(channel, other)
        with self.assertClientError("ConflictException"):
            self.send_text(channel, user)
        self.control("DELETE", "/_chime-local/faults")
        self.add(appInstanceArn=app, operation="DescribeAppInstance", error="NotFoundException")
        with self.assertClientError("NotFoundException"):
            self.identity.describe_app_instance(AppInstanceArn=app)
        other_app = self.make_app_instance()
        self.identity.describe_app_instance(AppInstanceArn=other_app)

    def test_latency_delays_its_request_only(self):
        app, user, channel = self.make_user_and_channel()
        self.add(operation="SendChannelMessage", latencyMs=1500, count=1)
        done = {}

        def slow():
            t = time.monotonic()
            self.server.messaging_client().send_channel_message(
                ChannelArn=channel, Content="slow", Type="STANDARD", Persistence="PERSISTENT", ChimeBearer=user)
            done["slow"] = time.monotonic() - t

        th = threading.Thread(target=slow)
        th.start()
        time.sleep(0.2)
        t = time.monotonic()
        self.messaging.list_channel_messages(ChannelArn=channel, ChimeBearer=user)
        self.assertEqual(self.server.health()[0], 200)
        self.assertLess(time.monotonic() - t, 1.0, "other requests waited for the injected latency")
        th.join(10)
        self.assertGreaterEqual(done["slow"], 1.4)

    def test_bad_rules_are_400_naming_the_field(self):
        for rule, needle in (({"operation": "NoSuchOperation", "error": "ConflictException"}, "NoSuchOperation"),
                             ({"error": "TeapotException"}, "TeapotException"),
                             ({"operation": "SendChannelMessage"}, "error"),
                             ({"error": "ConflictException", "probability": 2}, "probability"),
                             ({"error": "ConflictException", "count": 0}, "count")):
            status, body = self.control("POST", "/_chime-local/faults", rule)
            self.assertEqual(status, 400, body)
            self.assertIn(needle, body["Message"])

    def post_raw(self, path, text):
        status, headers, data = self.raw_request("POST", path, body=text.encode(),
                                                 headers={"Content-Type": "application/json"})
        return status, headers, (json.loads(data) if data else None)

    def assert_alive(self):
        self.assertEqual(self.server.health()[0], 200)

    def test_deeply_nested_control_bodies_are_400_naming_the_limit(self):
        # Nested 400,000 deep (800 KB, under --max-body-bytes): the fault rule's "id" was
        # copied recursively (a stack overflow); every control body now goes through the
        # depth bound of the AWS bodies.
        deep = "[" * 400000 + "]" * 400000
        for path, text in (("/_chime-local/faults", '{"error": "ConflictException", "id": ' + deep + "}"),
                           ("/_chime-local/faults", '[{"error": "ConflictException", "id": ' + deep + "}]"),
                           ("/_chime-local/throttle", '{"enabled": ' + deep + "}")):
            with self.subTest(path=path, start=text[:12]):
                status, headers, body = self.post_raw(path, text)
                self.assertEqual(status, 400, body)
                self.assertEqual(headers.get("x-amzn-errortype"), "BadRequestException")
                self.assertIn("JSON nested deeper than 64 levels of arrays and objects", body["Message"])
                self.assert_alive()
        self.assertEqual(self.control("GET", "/_chime-local/faults")[1]["faults"], [])

    def test_at_most_1000_rules_and_short_fields(self):
        rule = {"operation": "CreateAppInstance", "error": "ConflictException", "count": 1}
        # 50,000 rules were accepted: +140 MiB, and every request scanned them (4.3 ms).
        # (20,000 short ones fit in the default --max-body-bytes.)
        status, body = self.control("POST", "/_chime-local/faults", [{"error": "ConflictException"}] * 20000)
        self.assertEqual(status, 400, body)
        self.assertIn("at most 1000 fault rules", body["Message"])
        self.assertEqual(self.control("GET", "/_chime-local/faults")[1]["faults"], [])
        status, body = self.control("POST", "/_chime-local/faults", [rule] * 999)
        self.assertEqual(status, 201, body)
        self.add(**rule)  # the 1000th
        status, body = self.control("POST", "/_chime-local/faults", rule)
        self.assertEqual(status, 400, body)
        self.assertIn("at most 1000 fault rules", body["Message"])
        self.assertEqual(len(self.control("GET", "/_chime-local/faults")[1]["faults"]), 1000)
        self.control("DELETE", "/_chime-local/faults")
        for field, size, needle in (("message", 4097, "4096 bytes"), ("bearer", 1601, "1600 bytes"),
                                    ("channelArn", 1601, "1600 bytes"), ("appInstanceArn", 1601, "1600 bytes")):
            with self.subTest(field):
                status, body = self.control("POST", "/_chime-local/faults",
                                            {"error": "ConflictException", field: "a" * size})
                self.assertEqual(status, 400, body)
                self.assertIn(f'"{field}" must be at most {needle}', body["Message"])
        self.assert_alive()

    def test_delete_one_rule_and_reset_removes_all(self):
        a = self.add(error="ConflictException", operation="CreateAppInstance")
        self.add(error="ConflictException", operation="DeleteAppInstance")
        self.assertEqual(self.control("DELETE", "/_chime-local/faults/" + a["id"])[0], 200)
        self.assertEqual(self.control("DELETE", "/_chime-local/faults/" + a["id"])[0], 404)
        self.assertEqual(len(self.control("GET", "/_chime-local/faults")[1]["faults"]), 1)
        self.assertEqual(self.control("POST", "/_chime-local/reset")[0], 200)
        self.assertEqual(self.control("GET", "/_chime-local/faults")[1]["faults"], [])


class FaultsFileTests(unittest.TestCase):
    def test_faults_file_at_start_and_an_invalid_one_refuses_to_start(self):
        with tempfile.TemporaryDirectory() as tmp:
            good = os.path.join(tmp, "faults.json")
            with open(good, "w") as f:
                json.dump([{"operation": "CreateAppInstance", "error": "ServiceFailureException"}], f)
            emu = ChimeLocal().start(extra_args=["--faults-file", good])
            try:
                identity = emu.identity_client()
                with self.assertRaises(identity.exceptions.ServiceFailureException):
                    identity.create_app_instance(Name="x")
            finally:
                emu.stop()
                emu.cleanup()
            bad = os.path.join(tmp, "bad.json")
            with open(bad, "w") as f:
                json.dump([{"operation": "CreateAppInstance", "error": "Nope"}], f)
            emu = ChimeLocal()
            try:
                with self.assertRaises(RuntimeError) as ctx:
                    emu.start(extra_args=["--faults-file", bad])
                self.assertIn("Nope", str(ctx.exception) + emu.log_text())
            finally:
                emu.stop()
                emu.cleanup()


class FaultsFileLimitsTests(unittest.TestCase):
    def run_with(self, content):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "faults.json")
            with open(path, "w") as f:
                f.write(content)
            p = subprocess.run([server_binary(), "--in-memory", "--host", "127.0.0.1", "--port", "0",
                                "--faults-file", path], capture_output=True, text=True, timeout=30)
            return p, path

    def test_a_deeply_nested_faults_file_exits_1_naming_the_limit(self):
        # The rule's "id" was copied recursively: the start died of a stack overflow.
        p, path = self.run_with('[{"error": "ConflictException", "id": ' + "[" * 400000 + "]" * 400000 + "}]")
        self.assertEqual(p.returncode, 1, p.stderr[-2000:])
        self.assertIn(f"invalid --faults-file {path}: JSON nested deeper than 64 levels of arrays and objects",
                      p.stderr)

    def test_a_faults_file_of_more_than_1000_rules_exits_1(self):
        p, path = self.run_with(json.dumps([{"error": "ConflictException"}] * 1001))
        self.assertEqual(p.returncode, 1, p.stderr[-2000:])
        self.assertIn(f"invalid --faults-file {path}: the list holds 1001 rules; at most 1000", p.stderr)


class ResetOneAppInstanceTests(ChimeTestCase):
    def test_reset_of_one_app_instance_leaves_the_others(self):
        keep = self.make_app_instance()
        keep_user = self.make_user(keep)
        keep_channel = self.make_channel(keep, keep_user)
        gone = self.make_app_instance()
        gone_user = self.make_user(gone, "same-id")
        gone_channel = self.make_channel(gone, gone_user)
        self.messaging.send_channel_message(ChannelArn=gone_channel, Content="x", Type="STANDARD",
                                            Persistence="PERSISTENT", ChimeBearer=gone_user)
        quoted = gone.replace(":", "%3A").replace("/", "%2F")
        status, _, body = self.raw_request("POST", "/_chime-local/reset?appInstanceArn=" + quoted)
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body), {"reset": True, "appInstanceArn": gone})
        with self.assertClientError("ForbiddenException"):
            self.identity.describe_app_instance(AppInstanceArn=gone)
        self.assertEqual(self.messaging.describe_channel(ChannelArn=keep_channel, ChimeBearer=keep_user)
                         ["Channel"]["ChannelArn"], keep_channel)
        status, _, body = self.raw_request("POST", "/_chime-local/reset?appInstanceArn=" + quoted)
        self.assertEqual(status, 404, body)


class JournalTests(ChimeTestCase):
    server_args = ("--journal-size", "20")

    def journal(self, query=""):
        status, _, data = self.raw_request("GET", "/_chime-local/requests" + query)
        self.assertEqual(status, 200, data)
        return json.loads(data)["requests"]

    def test_journal_records_what_the_app_sent_newest_first_with_filters(self):
        self.raw_request("DELETE", "/_chime-local/requests")
        app = self.make_app_instance()
        user = self.make_user(app)
        channel = self.make_channel(app, user)
        sent = self.messaging.send_channel_message(ChannelArn=channel, Content="secret words", Type="STANDARD",
                                                   Persistence="PERSISTENT", ChimeBearer=user)
        with self.assertClientError("BadRequestException"):
            self.messaging.send_channel_message(ChannelArn=channel, Content="x" * 5000, Type="STANDARD",
                                                Persistence="PERSISTENT", ChimeBearer=user)
        entries = self.journal()
        self.assertEqual(entries[0]["status"], 400)
        self.assertEqual(entries[0]["errorType"], "BadRequestException")
        self.assertIn("4096", entries[0]["errorMessage"])
        ok = entries[1]
        self.assertEqual(ok["operation"], "SendChannelMessage")
        self.assertEqual(ok["status"], 201)
        self.assertEqual(ok["requestId"], sent["ResponseMetadata"]["RequestId"])
        self.assertEqual(ok["bearer"], user)
        self.assertEqual(ok["channelArn"], channel)
        self.assertEqual(ok["input"]["Type"], "STANDARD")
        self.assertNotIn("secret", json.dumps(ok["input"]))  # sensitive members are masked
        self.assertEqual(ok["output"]["MessageId"], sent["MessageId"])  # the answer's body too
        self.assertNotIn("output", entries[0])  # an error has none beyond errorType/errorMessage
        got = self.messaging.get_channel_message(ChannelArn=channel, MessageId=sent["MessageId"], ChimeBearer=user)
        read = self.journal("?operation=GetChannelMessage")[0]
        self.assertEqual(read["output"]["ChannelMessage"]["MessageId"], got["ChannelMessage"]["MessageId"])
        self.assertNotIn("secret", json.dumps(read["output"]))  # Content is sensitive in the model
        self.assertGreaterEqual(ok["latencyMs"], 0)
        only = self.journal("?operation=SendChannelMessage&status=201")
        self.assertEqual([e["requestId"] for e in only], [ok["requestId"]])
        self.assertEqual(len(self.journal("?limit=1")), 1)
        self.assertEqual(self.journal("?bearer=" + "arn%3Anobody"), [])
        self.assertEqual(len(self.journal("?channelArn=" + channel.replace(":", "%3A").replace("/", "%2F"))), 3)
        self.assertEqual(self.journal("?since=2999-01-01T00:00:00Z"), [])
        for i in range(6):
            self.messaging.send_channel_message(ChannelArn=channel, Content=f"m{i}", Type="STANDARD",
                                                Persistence="PERSISTENT", ChimeBearer=user)
        self.messaging.list_channel_messages(ChannelArn=channel, ChimeBearer=user)
        listed = self.journal("?operation=ListChannelMessages")[0]["output"]["ChannelMessages"]
        self.assertEqual(len(listed), 6)  # lists are kept to their first 5 items, then a count
        self.assertEqual(listed[-1], "(2 more)")

    def test_journal_is_bounded_and_cleared(self):
        for _ in range(30):
            self.identity.list_app_instances()
        self.assertEqual(len(self.journal()), 20)
        self.assertEqual(self.raw_request("DELETE", "/_chime-local/requests")[0], 200)
        self.assertEqual(self.journal(), [])
        status, _, data = self.raw_request("GET", "/_chime-local/requests?nope=1")
        self.assertEqual(status, 400, data)


if __name__ == "__main__":
    unittest.main()
