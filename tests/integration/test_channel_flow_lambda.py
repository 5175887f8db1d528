"""--lambda-endpoint end to end: a small local server implements the AWS Lambda Invoke route
(POST /2015-03-31/functions/{FunctionName}/invocations), checks each call's SigV4 signature with
botocore, answers 202 and runs a processor written as a Lambda handler, which moderates the
message and calls ChannelFlowCallback on chime-local with boto3. Also: a function the endpoint
does not know (404) and one that always fails (500) make messages FAILED (FallbackAction ABORT)
or pass them on (CONTINUE), and an unreachable endpoint makes them FAILED."""

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
                    ChannelArn=channel, MessageId=mid, ChimeBearer=self.alice)["Status"]
            except self.messaging.exceptions.ForbiddenException:  # not stored (see test_channel_flows)
                return {"Value": "DENIED (not stored)"}
            if status["Value"] != "PENDING" or time.time() > deadline:
                return status
            time.sleep(0.1)


class LambdaEndpointTests(LambdaFixtures, ChimeTestCase):
    server_env = {"AWS_ACCESS_KEY_ID": LAMBDA_KEY, "AWS_SECRET_ACCESS_KEY": LAMBDA_SECRET}

    @classmethod
    def setUpClass(cls):
        cls.fake = FakeLambda()
        threading.Thread(target=cls.fake.serve_forever, daemon=True).start()
        cls.server_args = ("--lambda-endpoint", f"http://127.0.0.1:{cls.fake.server_address[1]}")
        super().setUpClass()
        cls.fake.chime_endpoint = cls.endpoint

    @classmethod
    def tearDownClass(cls):
        cls.fake.shutdown()
        super().tearDownClass()

    def calls_for(self, mid):
        with self.fake.lock:
            return [c for c in self.fake.calls if c[3]["ChannelMessage"]["MessageId"] == mid]

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
        self.assertEqual(status["Value"], "FAILED")
        self.assertIn("404", status["Detail"])
        self.assertEqual(len(self.calls_for(mid)), 1)  # a 4xx is not retried

    def test_failing_function_is_retried_then_fails(self):
        channel = self.flow_channel([("broken", "ABORT")])
        mid = self.send(channel, "hello")
        status = self.final_status(channel, mid)
        self.assertEqual(status["Value"], "FAILED")
        self.assertIn("500", status["Detail"])
        self.assertEqual(len(self.calls_for(mid)), 3)

    def test_fallback_continue_passes_to_the_next_processor(self):
        channel = self.flow_channel([("broken", "CONTINUE"), ("moderator", "ABORT")])
        mid = self.send(channel, "darn")
        self.assertEqual(self.final_status(channel, mid)["Value"], "SENT")
        m = self.messaging.get_channel_message(ChannelArn=channel, MessageId=mid,
                                               ChimeBearer=self.owner)["ChannelMessage"]
        self.assertEqual(m["Content"], "****")


class UnreachableLambdaTests(LambdaFixtures, ChimeTestCase):
    server_args = ("--lambda-endpoint", f"http://127.0.0.1:{free_port()}")

    def test_unreachable_endpoint_fails_the_message(self):
        channel = self.flow_channel([("moderator", "ABORT")])
        mid = self.send(channel, "hello")
        status = self.final_status(channel, mid)
        self.assertEqual(status["Value"], "FAILED")
        self.assertIn("failed", status["Detail"])


if __name__ == "__main__":
    unittest.main()
