"""--kinesis-endpoint end to end against moto's Kinesis (moto_server, offline): after
PutMessagingStreamingConfigurations, message events of the app instance arrive as records in the
configured stream as {"EventType": ..., "Payload": {...}} (developer guide "Streaming messaging
data"; docs/channel-flows.md "Messaging streaming"); channel-flow messages are streamed once SENT,
not while PENDING; an elastic channel's sub-channels are streamed as CREATE_SUB_CHANNEL /
DELETE_SUB_CHANNEL; after DeleteMessagingStreamingConfigurations nothing more is written. Skipped
when moto_server is not installed."""

import json
import time
import unittest
import uuid

import boto3

from harness import ChimeTestCase, REGION, free_port, start_moto

STREAM = "chime-messaging-test"
STREAM_ARN = f"arn:aws:kinesis:{REGION}:123456789012:stream/{STREAM}"



class KinesisStreamingTests(ChimeTestCase):
    @classmethod
    def setUpClass(cls):
        cls.moto, cls.moto_endpoint = start_moto()
        try:
            cls.kinesis = boto3.client("kinesis", region_name=REGION, endpoint_url=cls.moto_endpoint,
                                       aws_access_key_id="test", aws_secret_access_key="test")
            cls.kinesis.create_stream(StreamName=STREAM, ShardCount=1)
            cls.server_args = ("--kinesis-endpoint", cls.moto_endpoint)
            super().setUpClass()
        except BaseException:
            cls.moto.kill()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.moto.kill()
            cls.moto.wait()

    def records(self):
        shard = self.kinesis.list_shards(StreamName=STREAM)["Shards"][0]["ShardId"]
        it = self.kinesis.get_shard_iterator(StreamName=STREAM, ShardId=shard,
                                             ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        return [json.loads(r["Data"]) for r in self.kinesis.get_records(ShardIterator=it)["Records"]]

    def records_of(self, channel, want, timeout=10):
        deadline = time.time() + timeout
        while True:
            found = [r for r in self.records() if r["Payload"].get("ChannelArn") == channel]
            if len(found) >= want or time.time() > deadline:
                return found
            time.sleep(0.1)

    def setup_channel(self):
        app = self.make_app_instance()
        user = self.make_user(app, name="Streamer")
        channel = self.make_channel(app, user)
        return app, user, channel

    def test_messages_are_streamed_while_configured(self):
        app, user, channel = self.setup_channel()
        self.messaging.put_messaging_streaming_configurations(
            AppInstanceArn=app, StreamingConfigurations=[{"DataType": "ChannelMessage", "ResourceArn": STREAM_ARN}])
        sent = self.messaging.send_channel_message(ChannelArn=channel, Content="hello stream", Type="STANDARD",
                                                   Persistence="PERSISTENT", ChimeBearer=user)
        (record,) = self.records_of(channel, 1)
        self.assertEqual(sorted(record), ["EventType", "Payload"])
        self.assertEqual(record["EventType"], "CREATE_CHANNEL_MESSAGE")
        payload = record["Payload"]  # an object, not a JSON string
        self.assertEqual((payload["MessageId"], payload["Content"], payload["Sender"]["Arn"]),
                         (sent["MessageId"], "hello stream", user))

        self.messaging.delete_messaging_streaming_configurations(AppInstanceArn=app)
        self.messaging.send_channel_message(ChannelArn=channel, Content="not streamed", Type="STANDARD",
                                            Persistence="PERSISTENT", ChimeBearer=user)
        time.sleep(1.0)
        self.assertEqual(len(self.records_of(channel, 2, timeout=0)), 1)

    def test_other_app_instances_and_data_types_are_not_streamed(self):
        app, user, channel = self.setup_channel()
        self.messaging.put_messaging_streaming_configurations(
            AppInstanceArn=app, StreamingConfigurations=[{"DataType": "Channel", "ResourceArn": STREAM_ARN}])
        other_app, other_user, other_channel = self.setup_channel()
        for ch, u in ((channel, user), (other_channel, other_user)):
            self.messaging.send_channel_message(ChannelArn=ch, Content="x", Type="STANDARD",
                                                Persistence="PERSISTENT", ChimeBearer=u)
        time.sleep(1.0)
        self.assertEqual(self.records_of(channel, 1, timeout=0), [])
        self.assertEqual(self.records_of(other_channel, 1, timeout=0), [])

    def test_flow_messages_are_streamed_once_sent(self):
        app, user, channel = self.setup_channel()
        self.messaging.put_messaging_streaming_configurations(
            AppInstanceArn=app, StreamingConfigurations=[{"DataType": "ChannelMessage", "ResourceArn": STREAM_ARN}])
        flow = self.messaging.create_channel_flow(
            AppInstanceArn=app, Name="f", ClientRequestToken=str(uuid.uuid4()),
            Processors=[{"Name": "p", "ExecutionOrder": 1, "FallbackAction": "ABORT",
                         "Configuration": {"Lambda": {
                             "ResourceArn": "arn:aws:lambda:us-east-1:123456789012:function:p",
                             "InvocationType": "ASYNC"}}}])["ChannelFlowArn"]
        self.messaging.associate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow, ChimeBearer=user)
        mid = self.messaging.send_channel_message(ChannelArn=channel, Content="raw", Type="STANDARD",
                                                  Persistence="PERSISTENT", ChimeBearer=user)["MessageId"]
        time.sleep(1.0)
        self.assertEqual(self.records_of(channel, 1, timeout=0), [])  # PENDING is not streamed
        _, _, body = self.raw_request("GET", "/_chime-local/channel-flow-invocations")
        (inv,) = [i for i in json.loads(body)["Invocations"] if i["MessageId"] == mid]
        self.messaging.channel_flow_callback(CallbackId=inv["CallbackId"], ChannelArn=channel,
                                             ChannelMessage={"MessageId": mid, "Content": "processed"})
        (record,) = self.records_of(channel, 1)
        self.assertEqual(record["EventType"], "CREATE_CHANNEL_MESSAGE")
        self.assertEqual(record["Payload"]["Content"], "processed")

    def test_sub_channels_of_elastic_channels_are_streamed(self):
        app = self.make_app_instance()
        owner = self.make_user(app, name="Owner")
        members = [self.make_user(app) for _ in range(3)]
        self.messaging.put_messaging_streaming_configurations(
            AppInstanceArn=app, StreamingConfigurations=[{"DataType": "Channel", "ResourceArn": STREAM_ARN}])
        channel = self.make_channel(app, owner, Mode="RESTRICTED", ElasticChannelConfiguration={
            "MaximumSubChannels": 3, "TargetMembershipsPerSubChannel": 2, "MinimumMembershipPercentage": 10})
        for m in members:  # sub-channel 1 gets two, 2 the third
            self.messaging.create_channel_membership(ChannelArn=channel, MemberArn=m, Type="DEFAULT",
                                                     ChimeBearer=owner)
        self.messaging.delete_channel_membership(ChannelArn=channel, MemberArn=members[2], ChimeBearer=owner)
        self.messaging.delete_channel_membership(ChannelArn=channel, MemberArn=members[0], ChimeBearer=owner)

        def sub_channel_events():
            return [(r["EventType"], r["Payload"]["SubChannelId"], r["Payload"]["MembershipCount"])
                    for r in self.records_of(channel, 99, timeout=0) if "SUB_CHANNEL" in r["EventType"]]
        deadline = time.time() + 10
        while len(sub_channel_events()) < 3 and time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual(sub_channel_events(), [("CREATE_SUB_CHANNEL", "1", 1), ("CREATE_SUB_CHANNEL", "2", 1),
                                                ("DELETE_SUB_CHANNEL", "2", 0)])


if __name__ == "__main__":
    unittest.main()
