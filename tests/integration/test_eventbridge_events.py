"""EventBridge events (docs/channel-flows.md "EventBridge events"; developer guide "Creating failure
alerts by automating with EventBridge"): a channel-flow processor whose Lambda cannot be invoked, or
that does not call back in time, produces one "Chime ChannelFlow Processing Status" event with
detail.eventType ProcessorInvocationFailure, whatever its FallbackAction, in EventBridge's envelope.
GET /_chime-local/eventbridge-events lists them (filters accountId, detailType), DELETE and
POST /_chime-local/reset clear them. With --eventbridge-endpoint each event is also put with
PutEvents: checked against moto_server (an events rule on source aws.chime targeting an SQS queue),
skipped when moto cannot start here."""

import http.server
import json
import re
import threading
import time
import unittest
import urllib.parse
import uuid

import boto3

from harness import ChimeTestCase, REGION, StubEndpointMixin, start_moto, unique_name

FN = "arn:aws:lambda:us-east-1:123456789012:function:"
DETAIL_TYPE = "Chime ChannelFlow Processing Status"
ISO_SECOND = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class MissingFunctions(http.server.ThreadingHTTPServer):
    """A Lambda endpoint that knows no function: every Invoke is 404 ResourceNotFoundException."""
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), MissingFunctionHandler)


class MissingFunctionHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"Type": "User", "message": "Function not found"}).encode()
        self.send_response(404)
        self.send_header("x-amzn-ErrorType", "ResourceNotFoundException")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class FlowFixtures:
    def flow_channel(self, fallback):
        app = self.make_app_instance()
        owner = self.make_user(app, name="Owner")
        flow = self.messaging.create_channel_flow(
            AppInstanceArn=app, Name=unique_name("flow"), ClientRequestToken=str(uuid.uuid4()),
            Processors=[{"Name": "p", "ExecutionOrder": 1, "FallbackAction": fallback,
                         "Configuration": {"Lambda": {"ResourceArn": FN + "moderator",
                                                      "InvocationType": "ASYNC"}}}])["ChannelFlowArn"]
        channel = self.make_channel(app, owner)
        self.messaging.associate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow, ChimeBearer=owner)
        return app, owner, channel

    def send(self, channel, bearer):
        return self.messaging.send_channel_message(ChannelArn=channel, Content="hello", Type="STANDARD",
                                                   Persistence="PERSISTENT", ChimeBearer=bearer)["MessageId"]

    def events(self, query=""):
        status, _, body = self.raw_request("GET", "/_chime-local/eventbridge-events" + query)
        self.assertEqual(status, 200, body)
        return json.loads(body)["events"]

    def events_of(self, message_id, timeout=20):
        deadline = time.time() + timeout
        while True:
            found = [e for e in self.events() if e["detail"]["messageId"] == message_id]
            if found or time.time() > deadline:
                return found
            time.sleep(0.1)

    def assertEnvelope(self, event, app, channel, message_id):
        self.assertEqual(sorted(event), ["account", "detail", "detail-type", "id", "region", "resources",
                                         "source", "time", "version"])
        self.assertEqual((event["version"], event["detail-type"], event["source"], event["account"],
                          event["region"], event["resources"]),
                         ("0", DETAIL_TYPE, "aws.chime", "123456789012", REGION, []))
        self.assertRegex(event["id"], UUID)
        self.assertRegex(event["time"], ISO_SECOND)
        detail = dict(event["detail"])
        reason = detail.pop("failureReason")
        self.assertEqual(detail, {"eventType": "ProcessorInvocationFailure", "appInstanceArn": app,
                                  "channelArn": channel, "messageId": message_id,
                                  "processorResourceArn": FN + "moderator"})
        return reason


class FailingLambdaTests(FlowFixtures, StubEndpointMixin, ChimeTestCase):
    stub_factory, stub_flag, stub_name = MissingFunctions, "--lambda-endpoint", "fake"

    def test_failure_event_whatever_the_fallback_action(self):
        for fallback, final in (("ABORT", "FAILED"), ("CONTINUE", "SENT")):
            with self.subTest(fallback=fallback):
                app, owner, channel = self.flow_channel(fallback)
                mid = self.send(channel, owner)
                (event,) = self.events_of(mid)
                reason = self.assertEnvelope(event, app, channel, mid)
                self.assertIn("404", reason)
                status = self.messaging.get_channel_message_status(
                    ChannelArn=channel, MessageId=mid, ChimeBearer=owner)["Status"]["Value"]
                self.assertEqual(status, final)

    def test_filters_delete_and_reset(self):
        _, owner, channel = self.flow_channel("ABORT")
        mid = self.send(channel, owner)
        self.assertEqual(len(self.events_of(mid)), 1)
        detail = "?detailType=" + urllib.parse.quote(DETAIL_TYPE)
        self.assertTrue(self.events(detail))
        self.assertTrue(self.events("?accountId=123456789012"))
        self.assertEqual(self.events("?accountId=000000000000"), [])
        self.assertEqual(self.events("?detailType=Other"), [])
        status, _, _ = self.raw_request("GET", "/_chime-local/eventbridge-events?colour=red")
        self.assertEqual(status, 400)
        status, _, _ = self.raw_request("DELETE", "/_chime-local/eventbridge-events")
        self.assertEqual(status, 200)
        self.assertEqual(self.events(), [])

        _, owner, channel = self.flow_channel("ABORT")
        mid = self.send(channel, owner)
        self.assertEqual(len(self.events_of(mid)), 1)
        status, _, _ = self.raw_request("POST", "/_chime-local/reset")
        self.assertEqual(status, 200)
        self.assertEqual(self.events(), [])


class ProcessorTimeoutTests(FlowFixtures, ChimeTestCase):
    server_args = ("--channel-flow-timeout", "0.5")  # no --lambda-endpoint: nobody calls back

    def test_a_processor_that_does_not_call_back_is_a_failure(self):
        app, owner, channel = self.flow_channel("CONTINUE")
        mid = self.send(channel, owner)
        (event,) = self.events_of(mid)
        reason = self.assertEnvelope(event, app, channel, mid)
        self.assertIn("did not call back within 0.5 s", reason)



class PutEventsTests(FlowFixtures, ChimeTestCase):
    @classmethod
    def setUpClass(cls):
        cls.moto, cls.moto_endpoint = start_moto()
        try:
            kw = dict(region_name=REGION, endpoint_url=cls.moto_endpoint, aws_access_key_id="test",
                      aws_secret_access_key="test")
            cls.sqs = boto3.client("sqs", **kw)
            cls.queue = cls.sqs.create_queue(QueueName="chime-failures")["QueueUrl"]
            queue_arn = cls.sqs.get_queue_attributes(QueueUrl=cls.queue, AttributeNames=["QueueArn"])[
                "Attributes"]["QueueArn"]
            events = boto3.client("events", **kw)
            events.put_rule(Name="chime-flow-failures",
                            EventPattern=json.dumps({"source": ["aws.chime"], "detail-type": [DETAIL_TYPE]}))
            events.put_targets(Rule="chime-flow-failures", Targets=[{"Id": "q", "Arn": queue_arn}])
            cls.fake = MissingFunctions()
            threading.Thread(target=cls.fake.serve_forever, daemon=True).start()
            cls.server_args = ("--eventbridge-endpoint", cls.moto_endpoint,
                               "--lambda-endpoint", f"http://127.0.0.1:{cls.fake.server_address[1]}")
            super().setUpClass()
        except BaseException:
            cls.moto.kill()
            cls.moto.wait()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.fake.shutdown()
            cls.fake.server_close()
            cls.moto.kill()
            cls.moto.wait()

    def test_the_event_reaches_a_rule_target(self):
        app, owner, channel = self.flow_channel("ABORT")
        mid = self.send(channel, owner)
        (journaled,) = self.events_of(mid)
        deadline = time.time() + 20
        received = []
        while not received and time.time() < deadline:
            received = self.sqs.receive_message(QueueUrl=self.queue, WaitTimeSeconds=1).get("Messages", [])
        self.assertEqual(len(received), 1, "no event reached the queue")
        event = json.loads(received[0]["Body"])
        # The bus builds the delivered envelope (its own id; moto 5 leaves out "account").
        self.assertEqual((event["source"], event["detail-type"], event["region"], event["resources"],
                          event["time"]), ("aws.chime", DETAIL_TYPE, REGION, [], journaled["time"]))
        self.assertEqual(event["detail"], journaled["detail"])
        self.assertEnvelope(journaled, app, channel, mid)

if __name__ == "__main__":
    unittest.main()
