"""One log sink for every layer: a session that touches each part of the emulator that logs
(the start from a --seed-file, requests, a channel flow timing out and one called back, streaming
to a Kinesis endpoint nobody answers, background WAL checkpoints of a file store) writes only
lines of the chosen --log-format, and nothing below the chosen --log-level."""

import json
import os
import re
import shutil
import tempfile
import time
import unittest
import uuid

from harness import ChimeLocal, REGION, free_port

TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
APP_ID = "00000000-0000-4000-8000-00000000109a"
APP = f"arn:aws:chime:{REGION}:123456789012:app-instance/{APP_ID}"
ALICE, BOB = f"{APP}/user/alice", f"{APP}/user/bob"
CHANNEL = f"{APP}/channel/general"
STREAM_ARN = f"arn:aws:kinesis:{REGION}:123456789012:stream/chime-messaging-nobody-listens"
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:moderator"
FLOW_TIMEOUT_S = 2
SEED = {
    "AppInstances": [{"Name": "logged-app", "AppInstanceId": APP_ID}],
    "AppInstanceUsers": [{"AppInstanceArn": APP, "AppInstanceUserId": u, "Name": u.title()}
                         for u in ("alice", "bob")],
    "Channels": [{"AppInstanceArn": APP, "Name": "General", "ChannelId": "general",
                  "ChimeBearer": ALICE}],
    "ChannelMemberships": [{"ChannelArn": CHANNEL, "MemberArn": BOB, "Type": "DEFAULT",
                            "ChimeBearer": ALICE}],
}


class SessionLogBase(unittest.TestCase):
    """Runs the whole session once per class with `log_args`; tests read the log afterwards."""

    log_args: tuple = ()
    log_level = "info"

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="chime-local-logsink-")
        cls.seed_path = os.path.join(cls.dir, "seed.json")
        with open(cls.seed_path, "w") as f:
            json.dump(SEED, f)
        cls.server = ChimeLocal(log_level=cls.log_level)
        try:
            cls.server.start(
                data_file=os.path.join(cls.dir, "data.sqlite3"),  # a file store: WAL checkpoints run
                extra_args=("--seed-file", cls.seed_path,
                            "--channel-flow-timeout", str(FLOW_TIMEOUT_S),
                            "--kinesis-endpoint", f"http://127.0.0.1:{free_port()}", *cls.log_args))
            cls.run_session()
        finally:
            cls.exit_code = cls.server.stop()
        cls.lines = [l for l in cls.server.log_text().splitlines()
                     if l and not l.startswith("===")]  # the harness's own start marker

    @classmethod
    def tearDownClass(cls):
        if cls.exit_code == 0:
            cls.server.cleanup()
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def run_session(cls):
        messaging = cls.server.messaging_client()

        def send(channel, content):
            return messaging.send_channel_message(ChannelArn=channel, Content=content, Type="STANDARD",
                                                  Persistence="PERSISTENT", ChimeBearer=ALICE)["MessageId"]

        def status(channel, mid):
            return messaging.get_channel_message_status(ChannelArn=channel, MessageId=mid,
                                                        ChimeBearer=ALICE)["Status"]["Value"]

        def flow_channel(name):
            flow = messaging.create_channel_flow(
                AppInstanceArn=APP, Name=name, ClientRequestToken=str(uuid.uuid4()),
                Processors=[{"Name": "p1", "ExecutionOrder": 1, "FallbackAction": "ABORT",
                             "Configuration": {"Lambda": {"ResourceArn": FUNCTION,
                                                          "InvocationType": "ASYNC"}}}])["ChannelFlowArn"]
            channel = messaging.create_channel(AppInstanceArn=APP, Name=name, ChimeBearer=ALICE)["ChannelArn"]
            messaging.associate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow, ChimeBearer=ALICE)
            return channel

        # Every message of the app instance goes to a Kinesis endpoint with nothing listening.
        messaging.put_messaging_streaming_configurations(
            AppInstanceArn=APP, StreamingConfigurations=[{"DataType": "ChannelMessage",
                                                          "ResourceArn": STREAM_ARN}])
        for i in range(40):  # enough commits for background WAL checkpoints
            send(CHANNEL, f"message {i}")

        # A flow nobody answers: the message times out to FAILED.
        unanswered = flow_channel("unanswered")
        timed_out = send(unanswered, "anyone there?")
        # A flow whose processor calls back (ChannelFlowCallback): the message is SENT.
        answered = flow_channel("answered")
        called_back = send(answered, "please check")
        status_code, _, body = cls.server.raw_request("GET", "/_chime-local/channel-flow-invocations")
        if status_code != 200:
            raise AssertionError(body)
        [inv] = [i for i in json.loads(body)["Invocations"] if i["MessageId"] == called_back]
        messaging.channel_flow_callback(CallbackId=inv["CallbackId"], ChannelArn=answered,
                                        ChannelMessage={"MessageId": called_back, "Content": "checked"})
        if status(answered, called_back) != "SENT":
            raise AssertionError("the called-back message is not SENT")
        deadline = time.monotonic() + FLOW_TIMEOUT_S + 10
        while status(unanswered, timed_out) == "PENDING" and time.monotonic() < deadline:
            time.sleep(0.1)
        if status(unanswered, timed_out) != "FAILED":
            raise AssertionError("the unanswered message did not time out")
        # The streamed records are dropped after their retries (1 s, then 2 s apart).
        time.sleep(5)

    def records(self):
        return [json.loads(line) for line in self.lines]


class JsonSessionTests(SessionLogBase):
    log_args = ("--log-format", "json")

    def test_every_line_is_one_json_object_with_time_and_level(self):
        self.assertEqual(self.exit_code, 0)
        for line in self.lines:
            with self.subTest(line=line):
                record = json.loads(line)
                self.assertIsInstance(record, dict)
                self.assertRegex(record["time"], rf"^{TIMESTAMP}$")
                self.assertIn(record["level"], ("error", "warn", "info", "debug"))
                self.assertTrue("message" in record or "requestId" in record, record)

    def test_each_part_of_the_session_logged_through_the_sink(self):
        records = self.records()
        messages = {(r["level"], r["message"]) for r in records if "message" in r}
        self.assertIn(("info", f"chime-local: seeded from {self.seed_path}"), messages)
        dropped = [m for level, m in messages if level == "warn" and
                   m.startswith("streaming record for Kinesis stream chime-messaging-nobody-listens dropped: ")]
        self.assertTrue(dropped, messages)
        operations = {r.get("operation") for r in records}
        self.assertIn("ChannelFlowCallback", operations)
        self.assertIn("PutMessagingStreamingConfigurations", operations)


class ErrorLevelSessionTests(SessionLogBase):
    log_level = "error"

    def test_no_line_below_error(self):
        self.assertEqual(self.exit_code, 0)
        for line in self.lines:
            with self.subTest(line=line):
                self.assertRegex(line, rf"^{TIMESTAMP} ERROR ")
        self.assertFalse(any("seeded from" in l or "dropped" in l for l in self.lines), self.lines)


if __name__ == "__main__":
    unittest.main()
