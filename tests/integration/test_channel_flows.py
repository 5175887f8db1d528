"""Channel flows (Create/Describe/List/Update/DeleteChannelFlow, Associate/DisassociateChannelFlow,
ListChannelsAssociatedWithChannelFlow, ChannelFlowCallback), message processing through the
queue endpoint GET /_chime-local/channel-flow-invocations (PENDING -> SENT / DENIED, visibility
while pending, CallbackId idempotency, chains of processors, CONTROL messages bypassing the
flow, edits) and the time-out to FAILED."""

import json
import time
import unittest
import uuid

from harness import ChimeTestCase, unique_name

FN = "arn:aws:lambda:us-east-1:123456789012:function:"


def processor(name="p1", order=1, fallback="ABORT", function="moderator"):
    return {"Name": name, "ExecutionOrder": order, "FallbackAction": fallback,
            "Configuration": {"Lambda": {"ResourceArn": FN + function, "InvocationType": "ASYNC"}}}


class FlowFixtures:
    def make_flow(self, app, processors=None, **kw):
        return self.messaging.create_channel_flow(
            AppInstanceArn=app, Name=kw.pop("Name", unique_name("flow")),
            Processors=processors or [processor()],
            ClientRequestToken=kw.pop("ClientRequestToken", str(uuid.uuid4())), **kw)["ChannelFlowArn"]

    def flow_channel(self, processors=None):
        """A channel of self.owner (moderator) with member self.alice, associated with a new flow."""
        self.make_channel_cast()
        flow = self.make_flow(self.app, processors)
        channel = self.make_channel(self.app, self.owner)
        self.messaging.create_channel_membership(ChannelArn=channel, MemberArn=self.alice,
                                                 Type="DEFAULT", ChimeBearer=self.owner)
        self.messaging.associate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow,
                                              ChimeBearer=self.owner)
        return flow, channel

    def invocations(self, channel=None):
        status, _, body = self.raw_request("GET", "/_chime-local/channel-flow-invocations")
        self.assertEqual(status, 200, body)
        items = json.loads(body)["Invocations"]
        return [i for i in items if channel is None or i["ChannelArn"] == channel]

    def invocation_of(self, channel, message_id):
        found = [i for i in self.invocations(channel) if i["MessageId"] == message_id]
        self.assertEqual(len(found), 1, found)
        return found[0]

    def send(self, channel, sender, content, **kw):
        kw.setdefault("Type", "STANDARD")
        kw.setdefault("Persistence", "PERSISTENT")
        return self.messaging.send_channel_message(ChannelArn=channel, Content=content,
                                                   ChimeBearer=sender, **kw)

    def status(self, channel, message_id, bearer):
        return self.messaging.get_channel_message_status(
            ChannelArn=channel, MessageId=message_id, ChimeBearer=bearer)["Status"]

    def callback(self, channel, inv, **message):
        message["MessageId"] = inv["MessageId"]
        deny = message.pop("DeleteResource", False)
        return self.messaging.channel_flow_callback(
            CallbackId=inv["CallbackId"], ChannelArn=channel, DeleteResource=deny,
            ChannelMessage=message)


class ChannelFlowCrudTests(FlowFixtures, ChimeTestCase):
    def test_create_describe_list_update_delete(self):
        app = self.make_app_instance()
        procs = [processor("second", 2, "CONTINUE", "b"), processor("first", 1, "ABORT", "a")]
        flow = self.make_flow(app, procs, Name="moderation",
                              Tags=[{"Key": "team", "Value": "chat"}])
        self.assertIn(app + "/channel-flow/", flow)
        described = self.messaging.describe_channel_flow(ChannelFlowArn=flow)["ChannelFlow"]
        self.assertEqual(described["Name"], "moderation")
        self.assertEqual([p["Name"] for p in described["Processors"]], ["first", "second"])
        self.assertEqual(described["Processors"][0]["Configuration"]["Lambda"]["ResourceArn"], FN + "a")
        self.assertIn("CreatedTimestamp", described)
        tags = self.messaging.list_tags_for_resource(ResourceARN=flow)["Tags"]
        self.assertEqual(tags, [{"Key": "team", "Value": "chat"}])

        other = self.make_flow(app, Name="other")
        page = self.messaging.list_channel_flows(AppInstanceArn=app, MaxResults=1)
        self.assertEqual([f["ChannelFlowArn"] for f in page["ChannelFlows"]], [flow])
        page2 = self.messaging.list_channel_flows(AppInstanceArn=app, MaxResults=1,
                                                  NextToken=page["NextToken"])
        self.assertEqual([f["ChannelFlowArn"] for f in page2["ChannelFlows"]], [other])
        self.assertNotIn("NextToken", page2)

        self.messaging.update_channel_flow(ChannelFlowArn=flow, Name="renamed",
                                           Processors=[processor("only", 1, "CONTINUE", "c")])
        described = self.messaging.describe_channel_flow(ChannelFlowArn=flow)["ChannelFlow"]
        self.assertEqual(described["Name"], "renamed")
        self.assertEqual([p["Name"] for p in described["Processors"]], ["only"])

        self.messaging.delete_channel_flow(ChannelFlowArn=flow)
        with self.assertClientError("ForbiddenException"):
            self.messaging.describe_channel_flow(ChannelFlowArn=flow)
        self.assertEqual([f["ChannelFlowArn"] for f in
                          self.messaging.list_channel_flows(AppInstanceArn=app)["ChannelFlows"]], [other])

    def test_client_request_token_replays_and_conflicts(self):
        app = self.make_app_instance()
        token = str(uuid.uuid4())
        first = self.make_flow(app, Name="f", ClientRequestToken=token)
        again = self.make_flow(app, Name="f", ClientRequestToken=token)
        self.assertEqual(first, again)
        self.assertEqual(len(self.messaging.list_channel_flows(AppInstanceArn=app)["ChannelFlows"]), 1)
        with self.assertClientError("ConflictException"):
            self.make_flow(app, Name="g", ClientRequestToken=token)

    def test_processor_rules(self):
        app = self.make_app_instance()
        with self.assertClientError("BadRequestException") as ctx:
            self.make_flow(app, [processor("a", 1), processor("b", 1)])
        self.assertIn("ExecutionOrder 1", ctx.message)
        with self.assertClientError("BadRequestException"):
            self.raw_messaging.create_channel_flow(
                AppInstanceArn=app, Name="x", ClientRequestToken=str(uuid.uuid4()),
                Processors=[processor(str(i), i) for i in range(1, 5)])
        with self.assertClientError("BadRequestException"):
            self.raw_messaging.create_channel_flow(
                AppInstanceArn=app, Name="x", ClientRequestToken=str(uuid.uuid4()), Processors=[])
        bad = processor()
        bad["Configuration"]["Lambda"]["InvocationType"] = "SYNC"
        with self.assertClientError("BadRequestException"):
            self.raw_messaging.create_channel_flow(
                AppInstanceArn=app, Name="x", ClientRequestToken=str(uuid.uuid4()), Processors=[bad])
        bad = processor()
        bad["Configuration"]["Lambda"]["ResourceArn"] = "arn:aws:sqs:us-east-1:123456789012:q"
        with self.assertClientError("BadRequestException"):
            self.raw_messaging.create_channel_flow(
                AppInstanceArn=app, Name="x", ClientRequestToken=str(uuid.uuid4()), Processors=[bad])
        bad = processor()
        bad["FallbackAction"] = "RETRY"
        with self.assertClientError("BadRequestException"):
            self.raw_messaging.create_channel_flow(
                AppInstanceArn=app, Name="x", ClientRequestToken=str(uuid.uuid4()), Processors=[bad])
        unknown_app = app[:-4] + "0000"
        with self.assertClientError("ForbiddenException"):
            self.make_flow(unknown_app)

    def test_associate_disassociate_and_delete_rules(self):
        self.make_channel_cast()
        flow = self.make_flow(self.app)
        other_flow = self.make_flow(self.app)
        channel = self.make_channel(self.app, self.owner)
        self.messaging.create_channel_membership(ChannelArn=channel, MemberArn=self.alice,
                                                 Type="DEFAULT", ChimeBearer=self.owner)
        # Only admins and moderators associate.
        with self.assertClientError("ForbiddenException"):
            self.messaging.associate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow,
                                                  ChimeBearer=self.alice)
        with self.assertClientError("NotFoundException"):
            self.messaging.associate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow + "x",
                                                  ChimeBearer=self.owner)
        self.messaging.associate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow,
                                              ChimeBearer=self.owner)
        # Associating the same flow again is harmless; another one is a conflict.
        self.messaging.associate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow,
                                              ChimeBearer=self.admin)
        with self.assertClientError("ConflictException"):
            self.messaging.associate_channel_flow(ChannelArn=channel, ChannelFlowArn=other_flow,
                                                  ChimeBearer=self.owner)
        described = self.messaging.describe_channel(ChannelArn=channel, ChimeBearer=self.owner)
        self.assertEqual(described["Channel"]["ChannelFlowArn"], flow)
        listed = self.messaging.list_channels_associated_with_channel_flow(ChannelFlowArn=flow)
        self.assertEqual([(c["ChannelArn"], c["Mode"], c["Privacy"]) for c in listed["Channels"]],
                         [(channel, "UNRESTRICTED", "PUBLIC")])
        self.assertEqual(self.messaging.list_channels_associated_with_channel_flow(
            ChannelFlowArn=other_flow)["Channels"], [])

        with self.assertClientError("ConflictException") as ctx:
            self.messaging.delete_channel_flow(ChannelFlowArn=flow)
        self.assertIn("associated", ctx.message)

        with self.assertClientError("ForbiddenException"):
            self.messaging.disassociate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow,
                                                     ChimeBearer=self.alice)
        with self.assertClientError("NotFoundException"):
            self.messaging.disassociate_channel_flow(ChannelArn=channel, ChannelFlowArn=other_flow,
                                                     ChimeBearer=self.owner)
        self.messaging.disassociate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow,
                                                 ChimeBearer=self.owner)
        described = self.messaging.describe_channel(ChannelArn=channel, ChimeBearer=self.owner)
        self.assertNotIn("ChannelFlowArn", described["Channel"])
        self.messaging.delete_channel_flow(ChannelFlowArn=flow)

    def test_flow_and_streaming_operations_are_built(self):
        status, _, body = self.raw_request("GET", "/_chime-local/operations")
        self.assertEqual(status, 200)
        ops = json.loads(body)
        built = set(ops["chime-sdk-messaging"]["implemented"])
        for op in ("CreateChannelFlow", "DescribeChannelFlow", "ListChannelFlows", "UpdateChannelFlow",
                   "DeleteChannelFlow", "AssociateChannelFlow", "DisassociateChannelFlow",
                   "ListChannelsAssociatedWithChannelFlow", "ChannelFlowCallback",
                   "PutMessagingStreamingConfigurations", "GetMessagingStreamingConfigurations",
                   "DeleteMessagingStreamingConfigurations"):
            self.assertIn(op, built)
        self.assertEqual(ops["chime-sdk-identity"]["notImplemented"], [])
        self.assertEqual(ops["chime-sdk-messaging"]["notImplemented"], [])


class StreamingConfigurationTests(ChimeTestCase):
    def test_put_get_delete(self):
        app = self.make_app_instance()
        with self.assertClientError("NotFoundException"):
            self.messaging.get_messaging_streaming_configurations(AppInstanceArn=app)
        configs = [{"DataType": "ChannelMessage",
                    "ResourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-messages"},
                   {"DataType": "Channel",
                    "ResourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-channels"}]
        out = self.messaging.put_messaging_streaming_configurations(
            AppInstanceArn=app, StreamingConfigurations=configs)
        self.assertEqual(out["StreamingConfigurations"], configs)
        self.assertEqual(self.messaging.get_messaging_streaming_configurations(
            AppInstanceArn=app)["StreamingConfigurations"], configs)
        # Put replaces.
        self.messaging.put_messaging_streaming_configurations(
            AppInstanceArn=app, StreamingConfigurations=configs[:1])
        self.assertEqual(self.messaging.get_messaging_streaming_configurations(
            AppInstanceArn=app)["StreamingConfigurations"], configs[:1])
        self.messaging.delete_messaging_streaming_configurations(AppInstanceArn=app)
        with self.assertClientError("NotFoundException"):
            self.messaging.get_messaging_streaming_configurations(AppInstanceArn=app)

    def test_rules(self):
        app = self.make_app_instance()
        arn = "arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-s"
        with self.assertClientError("BadRequestException") as ctx:
            self.messaging.put_messaging_streaming_configurations(
                AppInstanceArn=app, StreamingConfigurations=[
                    {"DataType": "Channel", "ResourceArn": arn},
                    {"DataType": "Channel", "ResourceArn": arn}])
        self.assertIn("more than once", ctx.message)
        with self.assertClientError("BadRequestException") as ctx:
            self.messaging.put_messaging_streaming_configurations(
                AppInstanceArn=app, StreamingConfigurations=[
                    {"DataType": "Channel", "ResourceArn": "arn:aws:sqs:us-east-1:123456789012:q"}])
        self.assertIn("Kinesis", ctx.message)
        with self.assertClientError("BadRequestException") as ctx:
            self.messaging.put_messaging_streaming_configurations(
                AppInstanceArn=app, StreamingConfigurations=[
                    {"DataType": "Channel", "ResourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/s"}])
        self.assertIn("chime-messaging-", ctx.message)
        with self.assertClientError("BadRequestException"):
            self.raw_messaging.put_messaging_streaming_configurations(
                AppInstanceArn=app, StreamingConfigurations=[{"DataType": "Meeting", "ResourceArn": arn}])
        with self.assertClientError("BadRequestException"):
            self.raw_messaging.put_messaging_streaming_configurations(
                AppInstanceArn=app, StreamingConfigurations=[])
        with self.assertClientError("NotFoundException"):
            self.messaging.get_messaging_streaming_configurations(AppInstanceArn=app[:-4] + "0000")
        with self.assertClientError("ForbiddenException"):  # the Delete models no NotFoundException
            self.messaging.delete_messaging_streaming_configurations(AppInstanceArn=app[:-4] + "0000")


class QueueProcessingTests(FlowFixtures, ChimeTestCase):
    def test_pending_then_sent_with_processor_content(self):
        flow, channel = self.flow_channel()
        sent = self.send(channel, self.alice, "oh darn", Metadata="m1")
        self.assertEqual(sent["Status"], {"Value": "PENDING"})
        mid = sent["MessageId"]
        # While PENDING only the sender sees it.
        self.assertEqual(self.status(channel, mid, self.alice)["Value"], "PENDING")
        got = self.messaging.get_channel_message(ChannelArn=channel, MessageId=mid, ChimeBearer=self.alice)
        self.assertEqual(got["ChannelMessage"]["Status"]["Value"], "PENDING")
        with self.assertClientError("NotFoundException"):
            self.messaging.get_channel_message(ChannelArn=channel, MessageId=mid, ChimeBearer=self.owner)
        self.assertEqual(self.messaging.list_channel_messages(
            ChannelArn=channel, ChimeBearer=self.owner)["ChannelMessages"], [])
        self.assertEqual([m["MessageId"] for m in self.messaging.list_channel_messages(
            ChannelArn=channel, ChimeBearer=self.alice)["ChannelMessages"]], [mid])
        self.assertNotIn("LastMessageTimestamp", self.messaging.describe_channel(
            ChannelArn=channel, ChimeBearer=self.owner)["Channel"])

        inv = self.invocation_of(channel, mid)
        self.assertEqual(inv["FunctionArn"], FN + "moderator")
        event = inv["Event"]
        self.assertEqual(event["EventType"], "CHANNEL_MESSAGE_EVENT")
        self.assertEqual(event["CallbackId"], inv["CallbackId"])
        msg = event["ChannelMessage"]
        self.assertEqual((msg["MessageId"], msg["ChannelArn"], msg["Content"], msg["Metadata"],
                          msg["Type"], msg["Persistence"]),
                         (mid, channel, "oh darn", "m1", "STANDARD", "PERSISTENT"))
        self.assertEqual(msg["Sender"], {"Arn": self.alice, "Name": "Alice"})
        self.assertRegex(msg["CreatedTimestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

        out = self.callback(channel, inv, Content="oh ****", Metadata="checked")
        self.assertEqual(out["CallbackId"], inv["CallbackId"])
        self.assertEqual(out["ChannelArn"], channel)
        self.assertEqual(self.invocations(channel), [])
        for reader in (self.owner, self.alice):
            m = self.messaging.get_channel_message(ChannelArn=channel, MessageId=mid,
                                                   ChimeBearer=reader)["ChannelMessage"]
            self.assertEqual((m["Content"], m["Metadata"], m["Status"]["Value"]),
                             ("oh ****", "checked", "SENT"))
        self.assertEqual(self.status(channel, mid, self.alice)["Value"], "SENT")
        self.assertIn("LastMessageTimestamp", self.messaging.describe_channel(
            ChannelArn=channel, ChimeBearer=self.owner)["Channel"])

        # The same CallbackId again: the same answer, nothing changes.
        again = self.callback(channel, inv, Content="changed again")
        self.assertEqual(again["CallbackId"], inv["CallbackId"])
        m = self.messaging.get_channel_message(ChannelArn=channel, MessageId=mid,
                                               ChimeBearer=self.owner)["ChannelMessage"]
        self.assertEqual(m["Content"], "oh ****")

    def test_denied_messages_are_not_stored(self):
        _, channel = self.flow_channel()
        mid = self.send(channel, self.alice, "buy spam")["MessageId"]
        inv = self.invocation_of(channel, mid)
        self.callback(channel, inv, DeleteResource=True)
        # Not stored: the answer for an unknown message (GetChannelMessageStatus models no
        # NotFoundException, so it is ForbiddenException; docs/aws-parity.md "Identity and authorization").
        with self.assertClientError("ForbiddenException"):
            self.status(channel, mid, self.alice)
        with self.assertClientError("NotFoundException"):
            self.messaging.get_channel_message(ChannelArn=channel, MessageId=mid, ChimeBearer=self.alice)
        for reader in (self.owner, self.alice):
            self.assertEqual(self.messaging.list_channel_messages(
                ChannelArn=channel, ChimeBearer=reader)["ChannelMessages"], [])

    def test_control_messages_bypass_the_flow(self):
        _, channel = self.flow_channel()
        sent = self.send(channel, self.alice, "typing", Type="CONTROL")
        self.assertEqual(sent["Status"], {"Value": "SENT"})
        self.assertEqual(self.invocations(channel), [])
        m = self.messaging.get_channel_message(ChannelArn=channel, MessageId=sent["MessageId"],
                                               ChimeBearer=self.owner)["ChannelMessage"]
        self.assertEqual(m["Status"]["Value"], "SENT")

    def test_non_persistent_messages_go_through_the_flow(self):
        # Developer guide, "Using channel flows": flows process new non-persistent standard
        # messages too. Members receive it only once processed; it is never listed.
        from test_messaging_session_lifecycle import Session
        _, channel = self.flow_channel()
        watcher = Session(self.server.port, self.owner)
        try:
            sent = self.send(channel, self.alice, "psst darn", Persistence="NON_PERSISTENT")
            self.assertEqual(sent["Status"], {"Value": "PENDING"})
            inv = self.invocation_of(channel, sent["MessageId"])
            self.assertEqual(inv["Event"]["ChannelMessage"]["Persistence"], "NON_PERSISTENT")
            for bearer in (self.alice, self.owner):
                with self.subTest(bearer=bearer), self.assertClientError("NotFoundException"):
                    self.messaging.get_channel_message(ChannelArn=channel, MessageId=sent["MessageId"],
                                                       ChimeBearer=bearer)
            listed = self.messaging.list_channel_messages(ChannelArn=channel, ChimeBearer=self.alice)
            self.assertEqual(listed["ChannelMessages"], [])
            self.callback(channel, inv, Content="psst ****")
            while True:  # the first message event the member sees is the processed message
                opcode, payload = watcher.frame()
                if opcode != 1:
                    continue
                frame = json.loads(payload)
                if frame["Headers"]["x-amz-chime-event-type"].endswith("CHANNEL_MESSAGE"):
                    break
            self.assertEqual(frame["Headers"]["x-amz-chime-event-type"], "CREATE_CHANNEL_MESSAGE")
            body = json.loads(frame["Payload"])
            self.assertEqual((body["MessageId"], body["Content"], body["Persistence"]),
                             (sent["MessageId"], "psst ****", "NON_PERSISTENT"))
        finally:
            watcher.close()
        self.assertEqual(self.messaging.list_channel_messages(ChannelArn=channel,
                                                              ChimeBearer=self.owner)["ChannelMessages"], [])
        with self.assertClientError("NotFoundException"):
            self.messaging.get_channel_message(ChannelArn=channel, MessageId=sent["MessageId"],
                                               ChimeBearer=self.owner)
        # Denied or timed out, it leaves nothing behind either.
        denied = self.send(channel, self.alice, "no", Persistence="NON_PERSISTENT")
        self.callback(channel, self.invocation_of(channel, denied["MessageId"]), DeleteResource=True)
        self.assertEqual(self.invocations(channel), [])

    def test_processors_run_in_execution_order(self):
        _, channel = self.flow_channel([processor("translate", 2, function="translate"),
                                        processor("moderate", 1, function="moderate")])
        mid = self.send(channel, self.alice, "hello darn")["MessageId"]
        first = self.invocation_of(channel, mid)
        self.assertEqual(first["FunctionArn"], FN + "moderate")
        self.callback(channel, first, Content="hello ****")
        self.assertEqual(self.status(channel, mid, self.alice)["Value"], "PENDING")
        second = self.invocation_of(channel, mid)
        self.assertEqual(second["FunctionArn"], FN + "translate")
        self.assertNotEqual(second["CallbackId"], first["CallbackId"])
        self.assertEqual(second["Event"]["ChannelMessage"]["Content"], "hello ****")
        self.callback(channel, second, Content="bonjour ****",
                      MessageAttributes={"lang": {"StringValues": ["fr"]}})
        m = self.messaging.get_channel_message(ChannelArn=channel, MessageId=mid,
                                               ChimeBearer=self.owner)["ChannelMessage"]
        self.assertEqual((m["Content"], m["Status"]["Value"]), ("bonjour ****", "SENT"))
        self.assertEqual(m["MessageAttributes"], {"lang": {"StringValues": ["fr"]}})

    def test_edits_are_processed_too(self):
        _, channel = self.flow_channel()
        mid = self.send(channel, self.alice, "first")["MessageId"]
        self.callback(channel, self.invocation_of(channel, mid))
        up = self.messaging.update_channel_message(ChannelArn=channel, MessageId=mid, Content="second darn",
                                                   ChimeBearer=self.alice)
        self.assertEqual(up["Status"]["Value"], "PENDING")
        with self.assertClientError("ConflictException"):
            self.messaging.update_channel_message(ChannelArn=channel, MessageId=mid, Content="third",
                                                  ChimeBearer=self.alice)
        inv = self.invocation_of(channel, mid)
        self.assertEqual(inv["Event"]["ChannelMessage"]["Content"], "second darn")
        self.assertIn("LastEditedTimestamp", inv["Event"]["ChannelMessage"])
        self.callback(channel, inv, Content="second ****")
        m = self.messaging.get_channel_message(ChannelArn=channel, MessageId=mid,
                                               ChimeBearer=self.owner)["ChannelMessage"]
        self.assertEqual((m["Content"], m["Status"]["Value"]), ("second ****", "SENT"))
        # A denied edit leaves the message as it was.
        self.messaging.update_channel_message(ChannelArn=channel, MessageId=mid, Content="spam",
                                              ChimeBearer=self.alice)
        self.callback(channel, self.invocation_of(channel, mid), DeleteResource=True)
        m = self.messaging.get_channel_message(ChannelArn=channel, MessageId=mid,
                                               ChimeBearer=self.owner)["ChannelMessage"]
        self.assertEqual((m["Content"], m["Status"]["Value"]), ("second ****", "SENT"))

    def test_callback_rules(self):
        _, channel = self.flow_channel()
        mid = self.send(channel, self.alice, "x")["MessageId"]
        inv = self.invocation_of(channel, mid)
        with self.assertClientError("BadRequestException"):
            self.messaging.channel_flow_callback(CallbackId="0" * 64, ChannelArn=channel,
                                                 ChannelMessage={"MessageId": mid})
        with self.assertClientError("BadRequestException") as ctx:
            self.messaging.channel_flow_callback(CallbackId=inv["CallbackId"], ChannelArn=channel,
                                                 ChannelMessage={"MessageId": "f" * 64})
        self.assertIn("MessageId", ctx.message)
        other = self.make_channel(self.app, self.owner)
        with self.assertClientError("BadRequestException"):
            self.messaging.channel_flow_callback(CallbackId=inv["CallbackId"], ChannelArn=other,
                                                 ChannelMessage={"MessageId": mid})
        with self.assertClientError("BadRequestException"):
            self.raw_messaging.channel_flow_callback(CallbackId="short", ChannelArn=channel,
                                                     ChannelMessage={"MessageId": mid})
        # Still pending after the refused callbacks.
        self.assertEqual(self.status(channel, mid, self.alice)["Value"], "PENDING")


class TimeoutTests(FlowFixtures, ChimeTestCase):
    server_args = ("--channel-flow-timeout", "0.5")

    def test_unanswered_invocation_fails(self):
        _, channel = self.flow_channel()
        mid = self.send(channel, self.alice, "anyone there?")["MessageId"]
        inv = self.invocation_of(channel, mid)
        deadline = time.time() + 10
        while self.status(channel, mid, self.alice)["Value"] == "PENDING" and time.time() < deadline:
            time.sleep(0.1)
        status = self.status(channel, mid, self.alice)
        self.assertEqual(status["Value"], "FAILED")
        self.assertIn("did not call back within 0.5 s", status["Detail"])
        # FAILED stays visible to its sender only.
        m = self.messaging.get_channel_message(ChannelArn=channel, MessageId=mid,
                                               ChimeBearer=self.alice)["ChannelMessage"]
        self.assertEqual(m["Status"]["Value"], "FAILED")
        with self.assertClientError("NotFoundException"):
            self.messaging.get_channel_message(ChannelArn=channel, MessageId=mid, ChimeBearer=self.owner)
        self.assertEqual(self.invocations(channel), [])
        # A callback after the processing window: ForbiddenException, as the guide says.
        with self.assertClientError("ForbiddenException"):
            self.callback(channel, inv)


class ClockTimeoutTests(FlowFixtures, ChimeTestCase):
    """The time-out sweep is a periodic job that reads the emulator's test clock: moving the clock
    past --channel-flow-timeout (30 s by default) fails the invocation at the sweep's next tick
    (at most a second later), without waiting the 30 s."""

    def test_moving_the_clock_past_the_timeout_fails_the_invocation(self):
        _, channel = self.flow_channel()
        mid = self.send(channel, self.alice, "anyone there?")["MessageId"]
        self.invocation_of(channel, mid)
        status, _, body = self.raw_request("POST", "/_chime-local/clock", body=b'{"advanceSeconds": 31}',
                                           headers={"Content-Type": "application/json"})
        self.assertEqual(status, 200, body)
        deadline = time.time() + 5
        while self.status(channel, mid, self.alice)["Value"] == "PENDING" and time.time() < deadline:
            time.sleep(0.05)
        status = self.status(channel, mid, self.alice)
        self.assertEqual(status["Value"], "FAILED")
        self.assertIn("did not call back within 30 s", status["Detail"])
        self.assertEqual(self.invocations(channel), [])

    def test_a_callback_past_the_deadline_is_refused_before_the_sweep_runs(self):
        self.addCleanup(self.raw_request, "POST", "/_chime-local/clock", body=b'{"reset": true}',
                        headers={"Content-Type": "application/json"})
        _, channel = self.flow_channel()
        mid = self.send(channel, self.alice, "late")["MessageId"]
        inv = self.invocation_of(channel, mid)
        status, _, body = self.raw_request("POST", "/_chime-local/clock", body=b'{"advanceSeconds": 31}',
                                           headers={"Content-Type": "application/json"})
        self.assertEqual(status, 200, body)
        # At once, without waiting for the sweep's next tick: the window is closed.
        with self.assertClientError("ForbiddenException"):
            self.callback(channel, inv, Content="too late")


class RestartTests(FlowFixtures, ChimeTestCase):
    persistent = True

    def test_pending_invocations_survive_a_restart(self):
        _, channel = self.flow_channel()
        mid = self.send(channel, self.alice, "before the restart")["MessageId"]
        inv = self.invocation_of(channel, mid)
        self.assertEqual(self.restart_server(), 0)
        self.assertEqual(self.invocation_of(channel, mid), inv)
        self.assertEqual(self.status(channel, mid, self.alice)["Value"], "PENDING")
        self.callback(channel, inv, Content="after the restart")
        m = self.messaging.get_channel_message(ChannelArn=channel, MessageId=mid,
                                               ChimeBearer=self.owner)["ChannelMessage"]
        self.assertEqual((m["Content"], m["Status"]["Value"]), ("after the restart", "SENT"))


if __name__ == "__main__":
    unittest.main()
