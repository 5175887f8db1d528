"""Issue 8 part 4: logs that explain a failure from the server side.

Each format is checked on the real binary: one line per request on stderr with a UTC
timestamp, the request id the client saw in x-amzn-RequestId, the operation, status, latency
and, for a non-2xx answer, the error type and the very message the client got. The ready line
stays on stdout. A database path that cannot be used is explained in words a user can act on.
"""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
import unittest

from harness import ChimeLocal, quote_arn, server_binary, unique_name

TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


class LogFormatBase(unittest.TestCase):
    args: tuple = ()
    env: dict = {}

    @classmethod
    def setUpClass(cls):
        cls.server = ChimeLocal(log_level="info", env=cls.env).start(extra_args=cls.args)

    @classmethod
    def tearDownClass(cls):
        rc = cls.server.stop()
        if rc == 0:
            cls.server.cleanup()

    def failing_request(self):
        """CreateAppInstance with an empty Name: (request id, error type, message) the client saw."""
        status, headers, body = self.server.raw_request(
            "POST", "/app-instances", {"Content-Type": "application/json"}, {"Name": ""})
        self.assertEqual(status, 400)
        return headers["x-amzn-requestid"], headers["x-amzn-errortype"], json.loads(body)["Message"]

    def line_with(self, text, start=0, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.server.log_text(start).splitlines():
                if text in line:
                    return line
            time.sleep(0.05)
        self.fail(f"no log line with {text!r}:\n{self.server.log_text(start)}")


class TextLogTests(LogFormatBase):
    def test_failing_request_line_has_every_field(self):
        start = self.server.log_size()
        request_id, error_type, message = self.failing_request()
        line = self.line_with(request_id, start)
        m = re.fullmatch(
            rf"(?P<time>{TIMESTAMP}) INFO request_id=(?P<id>\S+) POST /app-instances "
            r"operation=CreateAppInstance status=400 latency=(?P<ms>\d+\.\d{3})ms "
            r"error_type=(?P<type>\S+) message=(?P<msg>\".*\")", line)
        self.assertIsNotNone(m, line)
        self.assertEqual(m["id"], request_id)
        self.assertEqual(m["type"], error_type)
        self.assertEqual(json.loads(m["msg"]), message)
        logged = time.strptime(m["time"][:19], "%Y-%m-%dT%H:%M:%S")
        self.assertLess(abs(time.mktime(logged) - time.mktime(time.gmtime())), 120)  # UTC, now

    def test_success_line_and_ready_line_placement(self):
        start = self.server.log_size()
        status, headers, _ = self.server.raw_request("GET", "/_chime-local/health")
        line = self.line_with(headers["x-amzn-requestid"], start)
        self.assertIn("operation=Health status=200", line)
        self.assertNotIn("error_type", line)
        ready = [l for l in self.server.stdout_lines if "chime-local listening on http://" in l]
        self.assertEqual(len(ready), 1, self.server.stdout_lines)
        # stdout: the ready line first, then only the path of the TLS CA for wss:// (README).
        self.assertIn("chime-local listening on http://", self.server.stdout_lines[0])
        self.assertTrue(all(l.startswith("chime-local TLS ") for l in self.server.stdout_lines[1:]),
                        self.server.stdout_lines)
        self.assertLessEqual(len(self.server.stdout_lines), 2, self.server.stdout_lines)
        self.assertNotIn("listening on", self.server.log_text())

    def test_transport_errors_are_logged_too(self):
        start = self.server.log_size()
        status, headers, body = self.server.raw_request(
            "GET", "/_chime-local/health", {"Origin": "https://evil.example"})
        self.assertEqual(status, 403)
        line = self.line_with(headers["x-amzn-requestid"], start)
        self.assertIn("status=403", line)
        self.assertIn("error_type=ForbiddenException", line)
        self.assertIn("Cross-site request refused", line)


class JsonLogTests(LogFormatBase):
    env = {"CHIME_LOCAL_LOG_FORMAT": "json"}

    def records(self, start=0):
        out = []
        for line in self.server.log_text(start).splitlines():
            if line.startswith("==="):  # the harness's own marker
                continue
            out.append(json.loads(line))  # every stderr line is one JSON object
        return out

    def test_failing_request_object_has_every_field(self):
        start = self.server.log_size()
        request_id, error_type, message = self.failing_request()
        self.line_with(request_id, start)
        [rec] = [r for r in self.records(start) if r.get("requestId") == request_id]
        self.assertRegex(rec["time"], rf"^{TIMESTAMP}$")
        self.assertEqual(rec["level"], "info")
        self.assertEqual(rec["method"], "POST")
        self.assertEqual(rec["path"], "/app-instances")
        self.assertEqual(rec["operation"], "CreateAppInstance")
        self.assertEqual(rec["status"], 400)
        self.assertIsInstance(rec["latencyMs"], (int, float))
        self.assertEqual(rec["errorType"], error_type)
        self.assertEqual(rec["errorMessage"], message)
        self.assertNotIn("input", rec)  # info level

    def test_server_errors_are_error_level(self):
        # A request the server cannot parse is answered and logged; 4xx stay info.
        start = self.server.log_size()
        self.server.raw_request("GET", "/no-such-route")
        time.sleep(0.2)
        levels = {r["status"]: r["level"] for r in self.records(start) if "status" in r}
        self.assertEqual(levels.get(404), "info")


class DebugLogTests(LogFormatBase):
    args = ("--log-level", "debug", "--log-format", "json")

    def test_debug_adds_masked_input_and_response(self):
        identity = self.server.identity_client()
        messaging = self.server.messaging_client()
        app = identity.create_app_instance(Name=unique_name("app"))["AppInstanceArn"]
        user = identity.create_app_instance_user(AppInstanceArn=app, AppInstanceUserId="u1",
                                                 Name="U")["AppInstanceUserArn"]
        # The creator is a member of its channel: it sends right away.
        channel = messaging.create_channel(AppInstanceArn=app, Name="c", ChimeBearer=user)["ChannelArn"]
        start = self.server.log_size()
        resp = messaging.send_channel_message(ChannelArn=channel, Content="top secret words",
                                              Metadata="secret metadata", Type="STANDARD",
                                              Persistence="PERSISTENT", ChimeBearer=user)
        request_id = resp["ResponseMetadata"]["RequestId"]
        self.line_with(request_id, start)
        [rec] = [json.loads(l) for l in self.server.log_text(start).splitlines()
                 if request_id in l and l.startswith("{")]
        self.assertEqual(rec["operation"], "SendChannelMessage")
        self.assertEqual(rec["input"]["ChannelArn"], channel)
        self.assertEqual(rec["input"]["Content"], "***")
        self.assertEqual(rec["input"]["Metadata"], "***")
        self.assertEqual(rec["input"]["Type"], "STANDARD")
        self.assertEqual(rec["response"]["MessageId"], resp["MessageId"])
        self.assertNotIn("secret", json.dumps(rec))

        start = self.server.log_size()
        got = messaging.get_channel_message(ChannelArn=channel, MessageId=resp["MessageId"], ChimeBearer=user)
        rid = got["ResponseMetadata"]["RequestId"]
        self.line_with(rid, start)
        [rec] = [json.loads(l) for l in self.server.log_text(start).splitlines() if rid in l]
        self.assertEqual(rec["response"]["ChannelMessage"]["Content"], "***")
        self.assertNotIn("secret", json.dumps(rec))


class DatabasePathMessageTests(unittest.TestCase):
    """The start-up failure says why, in words a user can act on (exit status 1)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="chime-local-dbpath-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def assertRefusesToStart(self, args, *phrases):
        """Runs the server with `args`: it must exit 1 with every phrase on stderr."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHIME_LOCAL_")}
        proc = subprocess.run([server_binary(), "--port", "0", *args], capture_output=True, text=True,
                              timeout=20, env=env)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        for phrase in phrases:
            self.assertIn(phrase, proc.stderr)

    def test_not_a_sqlite_file(self):
        path = os.path.join(self.tmp, "notes.txt")
        with open(path, "w") as f:
            f.write("these are my notes, not a database\n" * 10)
        self.assertRefusesToStart(["--data-file", path], "is not a SQLite database", "--data-file")

    def test_schema_from_a_newer_version(self):
        path = os.path.join(self.tmp, "db.sqlite3")
        server = ChimeLocal().start(data_file=path)
        server.stop()
        server.cleanup()
        db = sqlite3.connect(path)
        db.execute("PRAGMA user_version = 99")
        db.commit()
        db.close()
        self.assertRefusesToStart(["--data-file", path], "schema version 99", "newer chime-local")

    def test_data_directory_that_cannot_be_created(self):
        blocker = os.path.join(self.tmp, "file")
        open(blocker, "w").close()
        self.assertRefusesToStart(["--data-dir", os.path.join(blocker, "sub")], "cannot create data directory",
                                  "choose another --data-dir")

    def test_database_path_is_a_directory(self):
        os.mkdir(os.path.join(self.tmp, "adir"))
        self.assertRefusesToStart(["--data-file", os.path.join(self.tmp, "adir")], "is a directory")


if __name__ == "__main__":
    unittest.main()
