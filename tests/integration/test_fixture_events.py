"""GET/DELETE /_chime-local/events: every messaging event the emulator produced, recorded
without any messaging session connected, with the frame a session would receive (Headers,
Payload string), its channel, recipients, account, sequence number and time; filters, the
`next` cursor, long polls (waitMs) that hold no server thread, and clearing."""
import json
import threading
import time
import unittest
import uuid
from urllib.parse import quote

from harness import ChimeTestCase, unique_name
from test_channel_flows import FlowFixtures, processor


class EventsFixture:
    def events(self, expect=200, **params):
        query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())
        status, _, body = self.raw_request("GET", "/_chime-local/events" + ("?" + query if query else ""),
                                           timeout=40)
        self.assertEqual(status, expect, body)
        return json.loads(body)

    def types(self, **params):
        return [e["eventType"] for e in self.events(**params)["events"]]


class EventLogTests(EventsFixture, ChimeTestCase):
    def test_message_and_membership_events_are_recorded_without_a_session(self):
        self.make_channel_cast()
        channel = self.make_channel(self.app, self.owner)
        start = self.events()["next"]
        self.messaging.create_channel_membership(ChannelArn=channel, MemberArn=self.alice, Type="DEFAULT",
                                                 ChimeBearer=self.owner)
        sent = self.send_text(channel, self.owner, "hello")
        self.messaging.update_channel_message(ChannelArn=channel, MessageId=sent["MessageId"], Content="edited",
                                              ChimeBearer=self.owner)
        self.messaging.delete_channel_message(ChannelArn=channel, MessageId=sent["MessageId"],
                                              ChimeBearer=self.admin)
        self.messaging.delete_channel_membership(ChannelArn=channel, MemberArn=self.alice, ChimeBearer=self.owner)
        got = self.events(channelArn=channel, after=start)["events"]
        self.assertEqual([e["eventType"] for e in got],
                         ["CREATE_CHANNEL_MEMBERSHIP", "CREATE_CHANNEL_MESSAGE", "UPDATE_CHANNEL_MESSAGE",
                          "DELETE_CHANNEL_MESSAGE", "DELETE_CHANNEL_MEMBERSHIP"])
        seqs = [e["seq"] for e in got]
        self.assertEqual(seqs, sorted(seqs))
        self.assertGreater(seqs[0], start)
        created = got[1]
        self.assertEqual(created["channelArn"], channel)
        self.assertEqual(sorted(created["recipients"]), sorted([self.owner, self.alice]))
        self.assertEqual(created["accountId"], channel.split(":")[4])
        self.assertRegex(created["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertEqual(created["payload"]["MessageId"], sent["MessageId"])
        self.assertEqual(created["payload"]["Content"], "hello")
        # The frame a messaging session receives: headers and the payload as a JSON string.
        headers = created["message"]["Headers"]
        self.assertEqual(headers["x-amz-chime-event-type"], "CREATE_CHANNEL_MESSAGE")
        self.assertEqual(headers["x-amz-chime-message-type"], "STANDARD")
        self.assertEqual(json.loads(created["message"]["Payload"]), created["payload"])
        self.assertEqual(got[2]["payload"]["Content"], "edited")

    def test_filters_and_the_next_cursor(self):
        self.make_channel_cast()
        one = self.make_channel(self.app, self.owner)
        two = self.make_channel(self.app, self.owner)
        self.messaging.create_channel_membership(ChannelArn=two, MemberArn=self.bob, Type="DEFAULT",
                                                 ChimeBearer=self.owner)
        start = self.events()["next"]
        for i in range(3):
            self.send_text(one, self.owner, f"one-{i}")
        self.send_text(two, self.owner, "two")
        self.assertEqual(self.types(after=start, channelArn=two), ["CREATE_CHANNEL_MESSAGE"])
        self.assertEqual(len(self.types(after=start, memberArn=self.bob)), 1)
        self.assertEqual(self.types(after=start, memberArn=self.carol), [])
        self.assertEqual(self.types(after=start, type="UPDATE_CHANNEL_MESSAGE"), [])
        self.assertEqual(len(self.types(after=start, type="CREATE_CHANNEL_MESSAGE,UPDATE_CHANNEL_MESSAGE")), 4)
        page = self.events(after=start, channelArn=one, limit=2)
        self.assertEqual([e["payload"]["Content"] for e in page["events"]], ["one-0", "one-1"])
        rest = self.events(after=page["next"], channelArn=one)
        self.assertEqual([e["payload"]["Content"] for e in rest["events"]], ["one-2"])
        # Nothing more: `next` moves past what was scanned, so the next poll starts there.
        empty = self.events(after=rest["next"], channelArn=one)
        self.assertEqual(empty["events"], [])
        self.assertGreaterEqual(empty["next"], rest["next"])

    def test_bad_parameters_are_refused(self):
        for query in ("waitMs=30001", "waitMs=-1", "after=x", "limit=0", "accountId=12", "colour=red"):
            status, _, body = self.raw_request("GET", "/_chime-local/events?" + query)
            self.assertEqual(status, 400, (query, body))
        status, _, _ = self.raw_request("POST", "/_chime-local/events")
        self.assertEqual(status, 400)

    def test_a_long_poll_answers_when_a_matching_event_arrives(self):
        _, user, channel = self.make_user_and_channel()
        start = self.events()["next"]
        timer = threading.Timer(0.5, lambda: self.send_text(channel, user, "late"))
        began = time.monotonic()
        timer.start()
        try:
            got = self.events(after=start, channelArn=channel, type="CREATE_CHANNEL_MESSAGE", waitMs=20000)
        finally:
            timer.join()
        elapsed = time.monotonic() - began
        self.assertEqual([e["payload"]["Content"] for e in got["events"]], ["late"])
        self.assertLess(elapsed, 5, "the poll answered when the event arrived, not at the end of its wait")

    def test_a_long_poll_without_a_match_answers_empty_at_the_end_of_its_wait(self):
        began = time.monotonic()
        got = self.events(channelArn="arn:aws:chime:us-east-1:123456789012:app-instance/x/channel/none",
                          waitMs=700)
        self.assertEqual(got["events"], [])
        self.assertGreaterEqual(time.monotonic() - began, 0.6)

    def test_waiting_polls_hold_no_server_thread(self):
        # More polls than the server has I/O threads (and storage readers), all waiting: other
        # requests, reads and writes, are still answered at once.
        _, user, channel = self.make_user_and_channel()
        results = []
        polls = [threading.Thread(target=lambda: results.append(self.events(
            channelArn=channel, type="DELETE_CHANNEL", waitMs=4000))) for _ in range(12)]
        for p in polls:
            p.start()
        time.sleep(0.3)
        began = time.monotonic()
        self.send_text(channel, user, "still served")
        self.messaging.list_channel_messages(ChannelArn=channel, ChimeBearer=user)
        self.assertLess(time.monotonic() - began, 2)
        for p in polls:
            p.join()
        self.assertEqual([r["events"] for r in results], [[]] * 12)

    def test_delete_clears_all_or_one_account(self):
        _, user, channel = self.make_user_and_channel()
        self.send_text(channel, user)
        account = channel.split(":")[4]
        other = "000000000000" if account != "000000000000" else "000000000001"
        status, _, _ = self.raw_request("DELETE", "/_chime-local/events?accountId=" + other)
        self.assertEqual(status, 200)
        self.assertNotEqual(self.events(channelArn=channel)["events"], [])
        before = self.events()["next"]
        status, _, body = self.raw_request("DELETE", "/_chime-local/events?accountId=" + account)
        self.assertEqual(status, 200, body)
        self.assertEqual(self.events(channelArn=channel)["events"], [])
        # Sequence numbers go on after a clear: a cursor taken before stays valid.
        self.send_text(channel, user)
        self.assertGreater(self.events(channelArn=channel)["events"][0]["seq"], before)
        self.assertEqual(self.raw_request("DELETE", "/_chime-local/events")[0], 200)
        self.assertEqual(self.events(channelArn=channel)["events"], [])


class FlowEventTests(EventsFixture, FlowFixtures, ChimeTestCase):
    server_args = ("--channel-flow-timeout", "0.5")

    def test_pending_then_sent_denied_and_failed_outcomes(self):
        _, channel = self.flow_channel()
        start = self.events()["next"]
        sent = self.send(channel, self.alice, "allowed")["MessageId"]
        self.callback(channel, self.invocation_of(channel, sent), Content="allowed")
        denied = self.send(channel, self.alice, "denied")["MessageId"]
        self.callback(channel, self.invocation_of(channel, denied), DeleteResource=True)
        failed = self.send(channel, self.alice, "timed out")["MessageId"]
        got = self.events(after=start, channelArn=channel, type="FAILED_CREATE_CHANNEL_MESSAGE", waitMs=10000)
        self.assertEqual([e["payload"]["MessageId"] for e in got["events"]], [failed])
        seen = [(e["eventType"], e["payload"]["MessageId"], e["recipients"])
                for e in self.events(after=start, channelArn=channel)["events"]]
        self.assertIn(("PENDING_CREATE_CHANNEL_MESSAGE", sent, [self.alice]), seen)
        self.assertIn(("DENIED_CREATE_CHANNEL_MESSAGE", denied, [self.alice]), seen)
        self.assertIn(("PENDING_CREATE_CHANNEL_MESSAGE", failed, [self.alice]), seen)
        delivered = [e for e in seen if e[0] == "CREATE_CHANNEL_MESSAGE"]
        self.assertEqual([(e[1], sorted(e[2])) for e in delivered], [(sent, sorted([self.owner, self.alice]))])
        self.assertLess(seen.index(("PENDING_CREATE_CHANNEL_MESSAGE", sent, [self.alice])),
                        seen.index(delivered[0]))


if __name__ == "__main__":
    unittest.main()


class EventLogSizeTests(EventsFixture, ChimeTestCase):
    server_args = ("--event-log-size", "2")

    def test_the_log_keeps_the_newest_events_up_to_its_size(self):
        _, user, channel = self.make_user_and_channel()
        for i in range(4):
            self.send_text(channel, user, f"m{i}")
        got = self.events()["events"]
        self.assertEqual([e["payload"]["Content"] for e in got], ["m2", "m3"])


class EventLogOffTests(EventsFixture, ChimeTestCase):
    server_args = ("--event-log-size", "0")

    def test_size_zero_records_nothing(self):
        _, user, channel = self.make_user_and_channel()
        self.send_text(channel, user)
        self.assertEqual(self.events()["events"], [])


class ShutdownTests(EventsFixture, ChimeTestCase):
    def test_a_waiting_poll_is_answered_when_the_emulator_stops(self):
        results = []
        poll = threading.Thread(target=lambda: results.append(self.events(waitMs=30000, type="NONE")))
        poll.start()
        time.sleep(0.5)
        began = time.monotonic()
        self.assertEqual(self.server.stop(), 0)
        poll.join(10)
        self.assertLess(time.monotonic() - began, 3, "the poll did not hold the shutdown for its grace period")
        self.assertEqual([r["events"] for r in results], [[]])
        self.restart_server()
