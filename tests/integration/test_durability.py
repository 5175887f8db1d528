"""Durability of SendChannelMessage on a FILE database: every acknowledged message survives a
SIGKILL of the server, concurrent duplicates of one ClientRequestToken create one message, and
data and tokens survive a restart."""

import os
import shutil
import tempfile
import threading
import time
import unittest
import uuid

from botocore.exceptions import BotoCoreError, ClientError

from harness import ChimeLocal, ChimeTestCase, make_client, unique_name


def _seed(identity, messaging, members=1):
    """An app instance, `members` users and a channel they all belong to, created by another
    user (a member and moderator too: `users` are the others)."""
    app = identity.create_app_instance(Name=unique_name("app"))["AppInstanceArn"]
    users = []
    for _ in range(members + 1):
        uid = unique_name("user")
        users.append(identity.create_app_instance_user(
            AppInstanceArn=app, AppInstanceUserId=uid, Name=uid)["AppInstanceUserArn"])
    owner, users = users[0], users[1:]
    channel = messaging.create_channel(AppInstanceArn=app, Name=unique_name("ch"), ChimeBearer=owner,
                                       MemberArns=users)["ChannelArn"]
    return app, users, channel


def _all_message_ids(messaging, channel, bearer):
    """Every message id in history, paging with NextToken (MaxResults 50)."""
    ids, token = [], None
    while True:
        kw = {"NextToken": token} if token else {}
        resp = messaging.list_channel_messages(ChannelArn=channel, ChimeBearer=bearer,
                                               MaxResults=50, SortOrder="ASCENDING", **kw)
        ids += [m["MessageId"] for m in resp["ChannelMessages"]]
        token = resp.get("NextToken")
        if not token:
            return ids


class CrashTest(unittest.TestCase):
    """SIGKILL mid-stream: no acknowledged message is lost, none is duplicated."""

    THREADS = 8

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="chime-local-crash-")
        self.db = os.path.join(self.tmp, "chime.db")
        self.server = ChimeLocal()

    def tearDown(self):
        if self.server.running:
            self.server.kill()
        self.server.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_acknowledged_messages_survive_sigkill(self):
        self.server.start(data_file=self.db)
        identity = self.server.identity_client()
        messaging = self.server.messaging_client()
        _, users, channel = _seed(identity, messaging, members=self.THREADS)

        acked = [[] for _ in range(self.THREADS)]
        stop = threading.Event()
        started = threading.Barrier(self.THREADS + 1)

        def sender(i):
            client = make_client("chime-sdk-messaging", self.server.endpoint,
                                 connect_timeout=2, read_timeout=5)
            started.wait()
            n = 0
            while not stop.is_set():
                try:
                    resp = client.send_channel_message(
                        ChannelArn=channel, ChimeBearer=users[i], Content=f"t{i}-m{n}",
                        Type="STANDARD", Persistence="PERSISTENT",
                        ClientRequestToken=str(uuid.uuid4()))
                except (BotoCoreError, ClientError, OSError):
                    return  # the server is gone
                acked[i].append(resp["MessageId"])
                n += 1

        threads = [threading.Thread(target=sender, args=(i,), daemon=True)
                   for i in range(self.THREADS)]
        for t in threads:
            t.start()
        started.wait()
        # Let the stream run, then crash it while requests are in flight.
        deadline = time.monotonic() + 10
        while sum(map(len, acked)) < 300 and time.monotonic() < deadline:
            time.sleep(0.01)
        status = self.server.kill()
        stop.set()
        for t in threads:
            t.join(15)
        self.assertEqual(status, -9, "the server should have died of SIGKILL")
        acked_ids = [m for per_thread in acked for m in per_thread]
        self.assertGreater(len(acked_ids), 50, "too few messages were acknowledged before the kill")

        self.server.start(data_file=self.db)
        messaging = self.server.messaging_client()
        history = _all_message_ids(messaging, channel, users[0])
        self.assertEqual(len(history), len(set(history)), "a message appears twice in history")
        missing = set(acked_ids) - set(history)
        self.assertFalse(missing, f"{len(missing)} of {len(acked_ids)} acknowledged messages lost")
        # At most one in-flight (unacknowledged) message per thread may have committed too.
        self.assertLessEqual(len(history), len(acked_ids) + self.THREADS)
        self.assertEqual(self.server.stop(), 0)


class PersistentStoreTest(ChimeTestCase):
    persistent = True

    def test_concurrent_duplicates_of_one_token_create_one_message(self):
        _, users, channel = _seed(self.identity, self.messaging)
        token = str(uuid.uuid4())
        n = 32
        barrier = threading.Barrier(n)
        results, errors = [], []

        def send():
            client = make_client("chime-sdk-messaging", self.endpoint)
            barrier.wait()
            try:
                resp = client.send_channel_message(
                    ChannelArn=channel, ChimeBearer=users[0], Content="exactly once",
                    Type="STANDARD", Persistence="PERSISTENT", ClientRequestToken=token)
                results.append(resp["MessageId"])
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))

        threads = [threading.Thread(target=send) for _ in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(len(results), n)
        self.assertEqual(len(set(results)), 1, f"several MessageIds for one token: {set(results)}")
        self.assertEqual(_all_message_ids(self.messaging, channel, users[0]), results[:1])

    def test_restart_keeps_messages_and_tokens(self):
        _, users, channel = _seed(self.identity, self.messaging)
        token = str(uuid.uuid4())
        first = self.messaging.send_channel_message(
            ChannelArn=channel, ChimeBearer=users[0], Content="before restart", Type="STANDARD",
            Persistence="PERSISTENT", ClientRequestToken=token)["MessageId"]
        self.assertEqual(self.restart_server(), 0)

        again = self.messaging.send_channel_message(
            ChannelArn=channel, ChimeBearer=users[0], Content="before restart", Type="STANDARD",
            Persistence="PERSISTENT", ClientRequestToken=token)["MessageId"]
        self.assertEqual(again, first)
        with self.assertClientError("ConflictException"):
            self.messaging.send_channel_message(
                ChannelArn=channel, ChimeBearer=users[0], Content="other content", Type="STANDARD",
                Persistence="PERSISTENT", ClientRequestToken=token)
        self.assertEqual(_all_message_ids(self.messaging, channel, users[0]), [first])
        msg = self.messaging.get_channel_message(ChannelArn=channel, MessageId=first,
                                                 ChimeBearer=users[0])["ChannelMessage"]
        self.assertEqual(msg["Content"], "before restart")


if __name__ == "__main__":
    unittest.main()
