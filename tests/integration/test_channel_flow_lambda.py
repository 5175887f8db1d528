"""--lambda-endpoint end to end: a small local server implements the AWS Lambda Invoke route
(POST /2015-03-31/functions/{FunctionName}/invocations), checks each call's SigV4 signature with
botocore, answers 202 and runs a processor written as a Lambda handler, which moderates the
message and calls ChannelFlowCallback on chime-local with boto3. Also: a function the endpoint
does not know (404) and one that always fails (500) make messages FAILED (FallbackAction ABORT)
or pass them on (CONTINUE), and an unreachable endpoint makes them FAILED. Hostile endpoints: what
the endpoint answers never reaches the sender (Status.Detail is AWS's generic one; the answer goes
to the server log), a huge or malformed answer fails the invocation and leaves the server up, and
a function whose calls hang does not hold up another function's."""

import http.server
import json
import threading
import time
import unittest
import uuid

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from harness import ChimeTestCase, REGION, free_port, unique_name

FN = "arn:aws:lambda:us-east-1:123456789012:function:"
# What the sender sees in Status.Detail when a processor cannot be invoked.
INVOCATION_FAILED = "Processor invocation failed"
LAMBDA_KEY, LAMBDA_SECRET = "AKIDLAMBDAINVOKER", "lambda-invoker-secret"


def moderator_handler(event, context):
    """A channel-flow processor as it would be deployed to Lambda: masks 'darn', denies 'spam'."""
    chime = boto3.client("chime-sdk-messaging", region_name=REGION, endpoint_url=context["endpoint"],
                         aws_access_key_id="test", aws_secret_access_key="test")
    message = event["ChannelMessage"]
    deny = "spam" in message.get("Content", "")
    chime.channel_flow_callback(
        CallbackId=event["CallbackId"], ChannelArn=message["ChannelArn"], DeleteResource=deny,
        ChannelMessage={"MessageId": message["MessageId"],
                        "Content": message.get("Content", "").replace("darn", "****"),
                        "Metadata": json.dumps({"moderated": True})})


class FakeLambda(http.server.ThreadingHTTPServer):
    """Serves the Invoke route; `chime_endpoint` is set once chime-local runs."""
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), LambdaHandler)
        self.chime_endpoint = None
        self.calls = []  # (function name, invocation type, signature ok, event)
        self.lock = threading.Lock()
        self.release = threading.Event()  # ends the sleeps of "slow"

    def handle_error(self, request, client_address):
        pass  # chime-local hung up on "slow" or "huge": expected


class LambdaHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def signature_ok(self, body):
        auth = self.headers.get("Authorization", "")
        signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
        request = AWSRequest(method="POST", url=f"http://{self.headers['Host']}{self.path}", data=body,
                             headers={h: self.headers[h] for h in signed})
        request.context["timestamp"] = self.headers["X-Amz-Date"]
        signer = SigV4Auth(Credentials(LAMBDA_KEY, LAMBDA_SECRET), "lambda", REGION)
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        return (f"Credential={LAMBDA_KEY}/" in auth and auth.endswith("Signature=" + expected))

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        parts = self.path.split("?")[0].split("/")
        name = parts[3] if len(parts) == 5 and parts[1:3] == ["2015-03-31", "functions"] else None
        event = json.loads(body)
        with self.server.lock:
            self.server.calls.append((name, self.headers.get("X-Amz-Invocation-Type"),
                                      self.signature_ok(body), event))
        if name == "moderator":
            self.reply(202, b"")
            context = {"endpoint": self.server.chime_endpoint}
            threading.Thread(target=moderator_handler, args=(event, context), daemon=True).start()
        elif name == "broken":
            self.reply(500, b'{"Type":"Service","message":"internal error"}')
        elif name == "leaky":
            self.reply(500, b'{"Type":"Service","message":"upstream said SECRET-TOKEN=abc123"}')
        elif name == "huge":
            self.reply(200, b"x" * (10 * 1024 * 1024))
        elif name == "garbage":
            self.reply(502, b"\x00\xff<html>not json \x1b[31m")
        elif name == "deep":
            self.reply(500, b"[" * 200000 + b"]" * 200000)
        elif name == "slow":
            self.server.release.wait(10)
            self.reply(202, b"")
        elif name == "fast":
            self.reply(202, b"")
            context = {"endpoint": self.server.chime_endpoint}
            threading.Thread(target=moderator_handler, args=(event, context), daemon=True).start()
        else:
            self.reply(404, json.dumps({"Type": "User", "message": f"Function not found: {name}"}).encode())

    def reply(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class LambdaFixtures:
    def flow_channel(self, processors):
        app = self.make_app_instance()
        self.owner = self.make_user(app, name="Owner")
        self.alice = self.make_user(app, name="Alice")
        flow = self.messaging.create_channel_flow(
            AppInstanceArn=app, Name=unique_name("flow"), ClientRequestToken=str(uuid.uuid4()),
            Processors=[{"Name": f"p{i}", "ExecutionOrder": i, "FallbackAction": fallback,
                         "Configuration": {"Lambda": {"ResourceArn": FN + fn, "InvocationType": "ASYNC"}}}
                        for i, (fn, fallback) in enumerate(processors, 1)])["ChannelFlowArn"]
        channel = self.make_channel(app, self.owner)
        self.messaging.create_channel_membership(ChannelArn=channel, MemberArn=self.alice,
                                                 Type="DEFAULT", ChimeBearer=self.owner)
        self.messaging.associate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow,
                                              ChimeBearer=self.owner)
        self.__dict__.setdefault("sender_of", {})[channel] = self.alice
        return channel

    def send(self, channel, content):
        out = self.messaging.send_channel_message(ChannelArn=channel, Content=content, Type="STANDARD",
                                                  Persistence="PERSISTENT", ChimeBearer=self.alice)
        self.assertEqual(out["Status"]["Value"], "PENDING")
        return out["MessageId"]

    def final_status(self, channel, mid, timeout=20):
        deadline = time.time() + timeout
        while True:
            try:
                status = self.messaging.get_channel_message_status(
                    ChannelArn=channel, MessageId=mid, ChimeBearer=self.sender_of[channel])["Status"]
            except self.messaging.exceptions.ForbiddenException:  # not stored (see test_channel_flows)
                return {"Value": "DENIED (not stored)"}
            if status["Value"] != "PENDING" or time.time() > deadline:
                return status
            time.sleep(0.1)


class WithFakeLambda:
    server_env = {"AWS_ACCESS_KEY_ID": LAMBDA_KEY, "AWS_SECRET_ACCESS_KEY": LAMBDA_SECRET}
    more_server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.fake = FakeLambda()
        threading.Thread(target=cls.fake.serve_forever, daemon=True).start()
        cls.server_args = ("--lambda-endpoint", f"http://127.0.0.1:{cls.fake.server_address[1]}",
                           *cls.more_server_args)
        super().setUpClass()
        cls.fake.chime_endpoint = cls.endpoint

    @classmethod
    def tearDownClass(cls):
        cls.fake.release.set()
        cls.fake.shutdown()
        super().tearDownClass()

    def calls_for(self, mid):
        with self.fake.lock:
            return [c for c in self.fake.calls if c[3]["ChannelMessage"]["MessageId"] == mid]


class LambdaEndpointTests(WithFakeLambda, LambdaFixtures, ChimeTestCase):
    more_server_args = ("--log-level", "warn")

    def test_processor_moderates_through_the_lambda_api(self):
        channel = self.flow_channel([("moderator", "ABORT")])
        mid = self.send(channel, "well darn it")
        self.assertEqual(self.final_status(channel, mid)["Value"], "SENT")
        m = self.messaging.get_channel_message(ChannelArn=channel, MessageId=mid,
                                               ChimeBearer=self.owner)["ChannelMessage"]
        self.assertEqual(m["Content"], "well **** it")
        self.assertEqual(json.loads(m["Metadata"]), {"moderated": True})
        (name, invocation_type, signed, event), = self.calls_for(mid)
        self.assertEqual((name, invocation_type, signed), ("moderator", "Event", True))
        self.assertEqual(event["EventType"], "CHANNEL_MESSAGE_EVENT")
        self.assertEqual(event["ChannelMessage"]["Content"], "well darn it")

    def test_processor_denies(self):
        channel = self.flow_channel([("moderator", "ABORT")])
        mid = self.send(channel, "cheap spam here")
        self.assertEqual(self.final_status(channel, mid)["Value"], "DENIED (not stored)")
        self.assertEqual(self.messaging.list_channel_messages(
            ChannelArn=channel, ChimeBearer=self.owner)["ChannelMessages"], [])

    def test_unknown_function_fails_the_message(self):
        channel = self.flow_channel([("no-such-function", "ABORT")])
        mid = self.send(channel, "hello")
        status = self.final_status(channel, mid)
        self.assertEqual(status, {"Value": "FAILED", "Detail": INVOCATION_FAILED})
        self.assertEqual(len(self.calls_for(mid)), 1)  # a 4xx is not retried
        self.assertIn("Function not found: no-such-function", self.log_about(mid))

    def test_failing_function_is_retried_then_fails(self):
        channel = self.flow_channel([("broken", "ABORT")])
        mid = self.send(channel, "hello")
        status = self.final_status(channel, mid)
        self.assertEqual(status, {"Value": "FAILED", "Detail": INVOCATION_FAILED})
        self.assertEqual(len(self.calls_for(mid)), 3)
        self.assertIn("500", self.log_about(mid))

    def log_about(self, mid):
        """The server's warn lines that name message `mid`."""
        return "\n".join(line for line in self.server.log_text().splitlines() if mid in line)

    def test_endpoint_answer_reaches_the_log_not_the_sender(self):
        channel = self.flow_channel([("leaky", "ABORT")])
        mid = self.send(channel, "hello")
        status = self.final_status(channel, mid)
        self.assertEqual(status, {"Value": "FAILED", "Detail": INVOCATION_FAILED})
        seen = self.messaging.get_channel_message(ChannelArn=channel, MessageId=mid,
                                                  ChimeBearer=self.alice)
        self.assertEqual(seen["ChannelMessage"]["Status"],
                         {"Value": "FAILED", "Detail": INVOCATION_FAILED})
        self.assertNotIn("SECRET-TOKEN", json.dumps(seen, default=str))
        self.assertNotIn("127.0.0.1", json.dumps(seen, default=str))
        log = self.log_about(mid)
        self.assertIn("SECRET-TOKEN", log)
        self.assertIn(f"127.0.0.1:{self.fake.server_address[1]}", log)

    def test_huge_and_malformed_answers_fail_and_the_server_stays_up(self):
        sent = {}  # name -> (channel, message id); each send by that channel's own member
        for name in ("huge", "garbage", "deep"):
            ch = self.flow_channel([(name, "ABORT")])
            sent[name] = (ch, self.send(ch, "hello"))
        channel, mid = sent.pop("huge")
        self.assertEqual(self.final_status(channel, mid),
                         {"Value": "FAILED", "Detail": INVOCATION_FAILED})
        # The answer is cut off at the size cap: not read to its end, not retried.
        self.assertEqual(len(self.calls_for(mid)), 1)
        self.assertIn("larger than", self.log_about(mid))
        for name, (ch, other) in sent.items():
            self.assertEqual(self.final_status(ch, other),
                             {"Value": "FAILED", "Detail": INVOCATION_FAILED}, name)
        self.assertTrue(self.server.running)
        self.assertEqual(self.server.health()[0], 200)

    def test_fallback_continue_passes_to_the_next_processor(self):
        channel = self.flow_channel([("broken", "CONTINUE"), ("moderator", "ABORT")])
        mid = self.send(channel, "darn")
        self.assertEqual(self.final_status(channel, mid)["Value"], "SENT")
        m = self.messaging.get_channel_message(ChannelArn=channel, MessageId=mid,
                                               ChimeBearer=self.owner)["ChannelMessage"]
        self.assertEqual(m["Content"], "****")


class SlowFunctionTests(WithFakeLambda, LambdaFixtures, ChimeTestCase):
    """A function whose calls hang holds up only itself: another function's invocation starts at
    once (a few calls at a time per function; the others wait their turn)."""
    more_server_args = ("--channel-flow-timeout", "4")

    def test_a_hanging_function_does_not_hold_up_another(self):
        slow = self.flow_channel([("slow", "ABORT")])
        stuck = [self.send(slow, f"slow {i}") for i in range(6)]
        deadline = time.time() + 5
        while not any(c[0] == "slow" for c in self.fake.calls) and time.time() < deadline:
            time.sleep(0.05)
        fast = self.flow_channel([("fast", "ABORT")])
        started = time.time()
        mid = self.send(fast, "darn")
        self.assertEqual(self.final_status(fast, mid, timeout=10)["Value"], "SENT")
        self.assertLess(time.time() - started, 2.0)
        # The hanging ones time out (--channel-flow-timeout 4) and become FAILED.
        for sid in stuck:
            self.assertEqual(self.final_status(slow, sid, timeout=15)["Value"], "FAILED")


class UnreachableLambdaTests(LambdaFixtures, ChimeTestCase):
    server_args = ("--lambda-endpoint", f"http://127.0.0.1:{free_port()}")

    def test_unreachable_endpoint_fails_the_message(self):
        channel = self.flow_channel([("moderator", "ABORT")])
        mid = self.send(channel, "hello")
        status = self.final_status(channel, mid)
        self.assertEqual(status, {"Value": "FAILED", "Detail": INVOCATION_FAILED})


if __name__ == "__main__":
    unittest.main()
