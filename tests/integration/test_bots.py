"""AppInstanceBots answer through Lex (docs/bots.md). Without --lex-endpoint each invocation waits in
GET /_chime-local/bot-invocations with the exact RecognizeText request, and the test answers it with
POST /_chime-local/bot-invocations/{InvocationId}; the reply then appears as on AWS (developer guide
"Processing responses from an AppInstanceBot"). InvokedBy rules ALL / AUTO / MENTIONS / NONE and
targeted messages, WelcomeIntent, the Lex error reply and the EventBridge
"Chime Messaging AppInstanceBot Lex Failure" event, bad answers, survival across kill -9, reset and
snapshots, and --lex-endpoint against a small local Lex stub (path, SigV4 signature of service lex,
a Lex error, an answer that is not one, an unreachable endpoint)."""

import http.server
import json
import time
import unittest
import urllib.parse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from harness import ChimeTestCase, LEX_BOT_ALIAS_ARN, REGION, StubEndpointMixin

LEX_KEY, LEX_SECRET = "AKIDLEXCALLER", "lex-caller-secret"

LEX_MSGS = "application/amz-chime-lex-msgs"
LEX_ERROR = "application/amz-chime-lex-error"


class BotFixtures:
    def bot(self, app, standard="ALL", targeted="NONE", **lex):
        config = {"LexBotAliasArn": LEX_BOT_ALIAS_ARN, "LocaleId": "en_US",
                  "InvokedBy": {"StandardMessages": standard, "TargetedMessages": targeted}}
        config.update(lex)
        return self.make_bot(app, name="Helper", Configuration={"Lex": config})

    def room(self, standard="ALL", targeted="NONE", others=1, **lex):
        """A channel of a user (alice), `others`-1 more users and a bot: (channel, alice, bot)."""
        app = self.make_app_instance()
        alice = self.make_user(app, name="Alice")
        bot = self.bot(app, standard, targeted, **lex)
        channel = self.make_channel(app, alice)
        for _ in range(others - 1):
            self.messaging.create_channel_membership(ChannelArn=channel, MemberArn=self.make_user(app),
                                                     Type="DEFAULT", ChimeBearer=alice)
        self.messaging.create_channel_membership(ChannelArn=channel, MemberArn=bot, Type="DEFAULT",
                                                 ChimeBearer=alice)
        return channel, alice, bot

    def pending(self, channel=None):
        status, _, body = self.raw_request("GET", "/_chime-local/bot-invocations")
        self.assertEqual(status, 200, body)
        items = json.loads(body)["Invocations"]
        return [i for i in items if channel is None or i["ChannelArn"] == channel]

    def answer(self, invocation_id, body):
        status, _, data = self.raw_request("POST", f"/_chime-local/bot-invocations/{invocation_id}", body=body)
        return status, json.loads(data) if data else None

    def messages(self, channel, bearer):
        return self.messaging.list_channel_messages(ChannelArn=channel, ChimeBearer=bearer)["ChannelMessages"]

    def members(self, channel, bearer):
        return [m["Member"]["Arn"] for m in self.messaging.list_channel_memberships(
            ChannelArn=channel, ChimeBearer=bearer)["ChannelMemberships"]]

    def send(self, channel, bearer, content="hi", **kw):
        return self.messaging.send_channel_message(ChannelArn=channel, Content=content, Type="STANDARD",
                                                   Persistence="PERSISTENT", ChimeBearer=bearer,
                                                   **kw)["MessageId"]


LEX_ANSWER = {
    "messages": [{"content": "Hello! How can I help?", "contentType": "PlainText"}],
    "sessionState": {"intent": {"name": "Greet", "state": "InProgress"}, "originatingRequestId": "req-1"},
    "sessionId": "session-1",
}


class BotQueueTests(BotFixtures, ChimeTestCase):
    def test_all_invokes_with_the_recognize_text_request_and_the_answer_is_the_reply(self):
        channel, alice, bot = self.room("ALL")
        mid = self.send(channel, alice, "I need help")
        [inv] = self.pending(channel)
        self.assertEqual(inv["AppInstanceBotArn"], bot)
        self.assertEqual(inv["MessageId"], mid)
        req = inv["Request"]
        self.assertEqual((req["botId"], req["botAliasId"], req["localeId"]), ("ABCDEFGHIJ", "KLMNOPQRST", "en_US"))
        self.assertEqual(req["text"], "I need help")
        self.assertEqual(req["requestAttributes"], {"CHIME.channel.arn": channel, "CHIME.sender.arn": alice})
        self.assertRegex(req["sessionId"], r"^[0-9a-f]{64}$")

        status, out = self.answer(inv["InvocationId"], LEX_ANSWER)
        self.assertEqual(status, 200, out)
        self.assertEqual(self.pending(channel), [])
        reply = [m for m in self.messages(channel, alice) if m["Sender"]["Arn"] == bot]
        self.assertEqual(len(reply), 1)
        reply = reply[0]
        self.assertEqual(reply["Sender"]["Name"], "Helper")
        self.assertEqual(reply["Type"], "STANDARD")
        self.assertEqual(reply["ContentType"], LEX_MSGS)
        self.assertEqual(json.loads(reply["Content"]),
                         {"Messages": [{"Content": "Hello! How can I help?", "ContentType": "PlainText"}]})
        self.assertEqual(reply["MessageAttributes"], {
            "CHIME.LEX.sessionState.intent.name": {"StringValues": ["Greet"]},
            "CHIME.LEX.sessionState.intent.state": {"StringValues": ["InProgress"]},
            "CHIME.LEX.sessionState.originatingRequestId": {"StringValues": ["req-1"]},
            "CHIME.LEX.sessionState.sessionId": {"StringValues": ["session-1"]},
        })
        # The bot's reply invokes no bot (its own included): no loop.
        self.assertEqual(self.pending(channel), [])
        # The event log (what sessions receive) has the reply, to the channel's members.
        q = urllib.parse.urlencode({"channelArn": channel, "type": "CREATE_CHANNEL_MESSAGE"})
        _, _, body = self.raw_request("GET", "/_chime-local/events?" + q)
        [event] = [e for e in json.loads(body)["events"] if e["payload"]["Sender"]["Arn"] == bot]
        self.assertEqual(sorted(event["recipients"]), sorted([alice, bot]))
        self.assertEqual(event["payload"]["ContentType"], LEX_MSGS)

    def test_the_queue_filters_by_tenant(self):
        channel, alice, _ = self.room("ALL")
        self.send(channel, alice)
        for query, expect in (("accountId=123456789012", 1), ("accountId=111122223333", 0),
                              ("accountId=123456789012&region=eu-west-1", 0)):
            status, _, body = self.raw_request("GET", "/_chime-local/bot-invocations?" + query)
            self.assertEqual(status, 200, body)
            got = [i for i in json.loads(body)["Invocations"] if i["ChannelArn"] == channel]
            self.assertEqual(len(got), expect, query)
        self.assertEqual(self.raw_request("GET", "/_chime-local/bot-invocations?accountId=1")[0], 400)
        self.assertEqual(self.raw_request("GET", "/_chime-local/bot-invocations?bogus=1")[0], 400)

    def test_none_invokes_nothing(self):
        channel, alice, _ = self.room("NONE")
        self.send(channel, alice)
        self.assertEqual(self.pending(channel), [])

    def test_mentions_needs_the_bot_in_chime_mentions(self):
        channel, alice, bot = self.room("MENTIONS")
        self.send(channel, alice, "no mention")
        self.assertEqual(self.pending(channel), [])
        mid = self.send(channel, alice, "@Helper hi",
                        MessageAttributes={"CHIME.mentions": {"StringValues": [bot]}})
        self.assertEqual([i["MessageId"] for i in self.pending(channel)], [mid])

    def test_auto_is_all_with_one_other_member_else_mentions(self):
        channel, alice, bot = self.room("AUTO", others=1)
        mid = self.send(channel, alice)
        self.assertEqual([i["MessageId"] for i in self.pending(channel)], [mid])
        channel, alice, bot = self.room("AUTO", others=2)
        self.send(channel, alice)
        self.assertEqual(self.pending(channel), [])
        mid = self.send(channel, alice, MessageAttributes={"CHIME.mentions": {"StringValues": [bot]}})
        self.assertEqual([i["MessageId"] for i in self.pending(channel)], [mid])

    def test_targeted_message_invokes_and_the_reply_is_targeted_back(self):
        channel, alice, bot = self.room("NONE", "ALL", others=2)
        mid = self.send(channel, alice, "just for the bot", Target=[{"MemberArn": bot}])
        [inv] = self.pending(channel)
        self.assertEqual(inv["MessageId"], mid)
        self.assertEqual(self.answer(inv["InvocationId"], LEX_ANSWER)[0], 200)
        [reply] = [m for m in self.messages(channel, alice) if m["Sender"]["Arn"] == bot]
        self.assertEqual(reply["Target"], [{"MemberArn": alice}])
        # Only the sender and the bot see the targeted reply.
        other = [a for a in self.members(channel, alice) if a not in (alice, bot)][0]
        self.assertEqual([m for m in self.messages(channel, other) if m["Sender"]["Arn"] == bot], [])

    def test_targeted_none_ignores_targeted_messages(self):
        channel, alice, bot = self.room("ALL", "NONE")
        self.send(channel, alice, "psst", Target=[{"MemberArn": bot}])
        self.assertEqual(self.pending(channel), [])

    def test_welcome_intent_on_joining(self):
        channel, alice, bot = self.room("NONE", WelcomeIntent="Welcome")
        [inv] = self.pending(channel)
        self.assertIsNone(inv["MessageId"])
        self.assertEqual(inv["Request"]["sessionState"]["intent"]["name"], "Welcome")
        self.assertEqual(inv["Request"]["requestAttributes"]["CHIME.sender.arn"], alice)

    def test_elastic_channels_invoke_no_bot(self):
        self.requireModel(self.messaging, "CreateChannel", "ElasticChannelConfiguration")
        app = self.make_app_instance()
        alice = self.make_user(app, name="Alice")
        bot = self.bot(app, "ALL", "ALL", WelcomeIntent="Welcome")
        channel = self.make_channel(app, alice, Mode="RESTRICTED", ElasticChannelConfiguration={
            "MaximumSubChannels": 2, "TargetMembershipsPerSubChannel": 2, "MinimumMembershipPercentage": 10})
        bob = self.make_user(app, name="Bob")
        sub = self.messaging.create_channel_membership(ChannelArn=channel, MemberArn=bob, Type="DEFAULT",
                                                       ChimeBearer=alice)["SubChannelId"]
        self.messaging.create_channel_membership(ChannelArn=channel, MemberArn=bot, Type="DEFAULT",
                                                 ChimeBearer=alice)
        self.send(channel, bob, SubChannelId=sub)
        self.assertEqual(self.pending(channel), [])

    def test_error_answer_gives_lex_error_reply_and_eventbridge_event(self):
        self.raw_request("DELETE", "/_chime-local/eventbridge-events")
        channel, alice, bot = self.room("ALL")
        self.send(channel, alice, "x" * 1100)
        [inv] = self.pending(channel)
        reason = "1 validation error detected: Value at 'text' failed to satisfy constraint"
        status, _ = self.answer(inv["InvocationId"], {"error": {"code": "ValidationException", "message": reason}})
        self.assertEqual(status, 200)
        [reply] = [m for m in self.messages(channel, alice) if m["Sender"]["Arn"] == bot]
        self.assertEqual(reply["ContentType"], LEX_ERROR)
        self.assertEqual(json.loads(reply["Content"]), {"Code": "ValidationException"})
        _, _, body = self.raw_request("GET", "/_chime-local/eventbridge-events")
        events = [e for e in json.loads(body)["events"]
                  if e["detail-type"] == "Chime Messaging AppInstanceBot Lex Failure"]
        self.assertEqual(len(events), 1)
        event = events[0]
        self.assertEqual(event["source"], "aws.chime")
        self.assertEqual(event["detail"]["resourceArn"], bot)
        self.assertIn(reason, event["detail"]["failureReason"])
        self.assertEqual(event["resources"], [])

    def test_unknown_invocation_is_404_and_malformed_answer_is_400_changing_nothing(self):
        status, out = self.answer("0" * 64, LEX_ANSWER)
        self.assertEqual(status, 404)
        self.assertIn("No bot invocation", out["message"] if "message" in out else out["Message"])
        channel, alice, bot = self.room("ALL")
        self.send(channel, alice)
        [inv] = self.pending(channel)
        before = self.messages(channel, alice)
        for bad in ([1, 2], {"messages": "nope"}, {"error": {"message": "no code"}}, {"what": 1}):
            status, out = self.answer(inv["InvocationId"], bad)
            self.assertEqual(status, 400, (bad, out))
        status, _, _ = self.raw_request("POST", f"/_chime-local/bot-invocations/{inv['InvocationId']}",
                                        body=b"{not json")
        self.assertEqual(status, 400)
        self.assertEqual(self.messages(channel, alice), before)
        self.assertEqual([i["InvocationId"] for i in self.pending(channel)], [inv["InvocationId"]])
        # Answered once; a second answer is a conflict and changes nothing.
        self.assertEqual(self.answer(inv["InvocationId"], LEX_ANSWER)[0], 200)
        self.assertEqual(self.answer(inv["InvocationId"], LEX_ANSWER)[0], 409)
        self.assertEqual(len(self.messages(channel, alice)), len(before) + 1)


class BotDurabilityTests(BotFixtures, ChimeTestCase):
    persistent = True

    def test_pending_invocation_survives_kill_9(self):
        channel, alice, bot = self.room("ALL")
        self.send(channel, alice)
        [inv] = self.pending(channel)
        self.server.kill()
        self.restart_server()
        self.assertEqual([i["InvocationId"] for i in self.pending(channel)], [inv["InvocationId"]])
        self.assertEqual(self.answer(inv["InvocationId"], LEX_ANSWER)[0], 200)


class BotResetAndSnapshotTests(BotFixtures, ChimeTestCase):
    def test_reset_of_an_app_instance_drops_its_invocations(self):
        channel, alice, _ = self.room("ALL")
        other, bob, _ = self.room("ALL")
        self.send(channel, alice)
        self.send(other, bob)
        app = channel.split("/channel/")[0]
        status, _, body = self.raw_request("POST", "/_chime-local/reset?appInstanceArn=" +
                                           urllib.parse.quote(app, safe=""))
        self.assertEqual(status, 200, body)
        self.assertEqual(self.pending(channel), [])
        self.assertEqual(len(self.pending(other)), 1)
        self.assertEqual(self.raw_request("POST", "/_chime-local/reset")[0], 200)
        self.assertEqual(self.pending(), [])

    def test_snapshot_restore_brings_back_a_pending_invocation(self):
        channel, alice, _ = self.room("ALL")
        self.send(channel, alice)
        [inv] = self.pending(channel)
        status, _, snapshot = self.raw_request("GET", "/_chime-local/snapshot")
        self.assertEqual(status, 200)
        self.assertEqual(self.answer(inv["InvocationId"], LEX_ANSWER)[0], 200)
        status, _, body = self.raw_request("PUT", "/_chime-local/snapshot", body=snapshot,
                                           headers={"Content-Type": "application/vnd.sqlite3"})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.pending(channel), [inv])
        self.assertEqual(self.answer(inv["InvocationId"], LEX_ANSWER)[0], 200)


class FakeLex(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), LexHandler)
        self.calls = []


class LexHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def signature_ok(self, raw):
        auth = self.headers.get("Authorization", "")
        signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
        request = AWSRequest(method="POST", url=f"http://{self.headers['Host']}{self.path}", data=raw,
                             headers={h: self.headers[h] for h in signed})
        request.context["timestamp"] = self.headers["X-Amz-Date"]
        signer = SigV4Auth(Credentials(LEX_KEY, LEX_SECRET), "lex", REGION)
        expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
        return f"Credential={LEX_KEY}/" in auth and auth.endswith("Signature=" + expected)

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.loads(raw)
        self.server.calls.append((self.path, self.headers.get("Authorization", ""), body, self.signature_ok(raw)))
        if body.get("text") == "garbage":
            data = b"<html>not a RecognizeText response"
            self.send_response(200)
        elif body.get("text") == "break":
            data = json.dumps({"message": "Bot is not ready"}).encode()
            self.send_response(400)
            self.send_header("x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/")
        else:
            data = json.dumps({"messages": [{"content": "echo " + body["text"], "contentType": "PlainText"}],
                               "sessionState": {"intent": {"name": "Echo", "state": "Fulfilled"}},
                               "sessionId": self.path.split("/")[8]}).encode()
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class LexEndpointTests(BotFixtures, StubEndpointMixin, ChimeTestCase):
    server_env = {"AWS_ACCESS_KEY_ID": LEX_KEY, "AWS_SECRET_ACCESS_KEY": LEX_SECRET}
    stub_factory, stub_flag, stub_name = FakeLex, "--lex-endpoint", "lex"

    def wait_reply(self, channel, bearer, bot):
        deadline = time.time() + 10
        while time.time() < deadline:
            replies = [m for m in self.messages(channel, bearer) if m["Sender"]["Arn"] == bot]
            if replies:
                return replies[0]
            time.sleep(0.05)
        self.fail("no reply from the bot")

    def test_recognize_text_is_called_and_its_answer_is_the_reply(self):
        channel, alice, bot = self.room("ALL")
        self.send(channel, alice, "ping")
        reply = self.wait_reply(channel, alice, bot)
        self.assertEqual(reply["ContentType"], LEX_MSGS)
        self.assertEqual(json.loads(reply["Content"])["Messages"], [{"Content": "echo ping", "ContentType": "PlainText"}])
        path, auth, body, signed = [c for c in self.lex.calls if c[2]["text"] == "ping"][0]
        self.assertRegex(path, r"^/bots/ABCDEFGHIJ/botAliases/KLMNOPQRST/botLocales/en_US/sessions/[0-9a-f]{64}/text$")
        self.assertIn("/us-east-1/lex/aws4_request", auth)
        self.assertTrue(signed, "the SigV4 signature (service lex) does not verify")
        self.assertEqual(body["requestAttributes"], {"CHIME.channel.arn": channel, "CHIME.sender.arn": alice})
        self.assertEqual(self.pending(channel), [])

    def test_lex_error_gives_error_reply_and_event(self):
        channel, alice, bot = self.room("ALL")
        self.send(channel, alice, "break")
        reply = self.wait_reply(channel, alice, bot)
        self.assertEqual(reply["ContentType"], LEX_ERROR)
        self.assertEqual(json.loads(reply["Content"]), {"Code": "ResourceNotFoundException"})
        _, _, body = self.raw_request("GET", "/_chime-local/eventbridge-events")
        events = [e for e in json.loads(body)["events"] if e["detail"].get("resourceArn") == bot]
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0]["detail-type"], "Chime Messaging AppInstanceBot Lex Failure")

    def test_an_answer_that_is_not_a_recognize_text_response_is_a_lex_error(self):
        channel, alice, bot = self.room("ALL")
        self.send(channel, alice, "garbage")
        reply = self.wait_reply(channel, alice, bot)
        self.assertEqual(json.loads(reply["Content"]), {"Code": "DependencyFailedException"})


class UnreachableLexTests(BotFixtures, ChimeTestCase):
    server_args = ("--lex-endpoint", "http://127.0.0.1:9")  # discard port: nothing listens

    def test_unreachable_endpoint_is_a_dependency_failure(self):
        channel, alice, bot = self.room("ALL")
        self.send(channel, alice)
        deadline = time.time() + 15  # 3 attempts, 1 s then 2 s apart
        while time.time() < deadline:
            replies = [m for m in self.messages(channel, alice) if m["Sender"]["Arn"] == bot]
            if replies:
                break
            time.sleep(0.1)
        self.assertEqual(len(replies), 1)
        self.assertEqual(replies[0]["ContentType"], LEX_ERROR)
        self.assertEqual(json.loads(replies[0]["Content"]), {"Code": "DependencyFailedException"})


if __name__ == "__main__":
    unittest.main()
