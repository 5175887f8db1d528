"""Durability of SendChannelMessage on a FILE database: every acknowledged message survives a
storm of SIGKILLs of the server (in-flight tokens retried after each crash give one message; the
file passes PRAGMA integrity_check after each), concurrent duplicates of one ClientRequestToken
create one message, and data and tokens survive a restart."""

import os
import random
import shutil
import sqlite3
import sys
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


def _all_messages(messaging, channel, bearer):
    """Every (MessageId, Content) in history, paging with NextToken (MaxResults 50)."""
    out, token = [], None
    while True:
        kw = {"NextToken": token} if token else {}
        resp = messaging.list_channel_messages(ChannelArn=channel, ChimeBearer=bearer,
                                               MaxResults=50, SortOrder="ASCENDING", **kw)
        out += [(m["MessageId"], m.get("Content")) for m in resp["ChannelMessages"]]
        token = resp.get("NextToken")
        if not token:
            return out


def _all_message_ids(messaging, channel, bearer):
    return [message_id for message_id, _ in _all_messages(messaging, channel, bearer)]


def integrity_check(db_path):
    """PRAGMA integrity_check on a dead server's file, read-only so the WAL is not checkpointed
    (the next start must recover it itself). Returns SQLite's answer ('ok' when sound)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    try:
        return "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def crash_storm(server, db_path, cycles, threads=8, min_acks=100, seed=None, log=None):
    """`cycles` rounds of: start chime-local on `db_path`, retry the ClientRequestTokens that were
    in flight when the previous round was killed, send PERSISTENT messages from `threads`
    threads (each with a fresh token), SIGKILL the server at a random moment once `min_acks`
    were acknowledged (or after 10 s), and check the dead server's file with
    PRAGMA integrity_check. Finally restart once more and read the whole history.

    Returns a dict of figures; raises AssertionError on the first violated invariant:
    every acknowledged message is in history exactly once, each in-flight token retried after
    the crash yields exactly one message, and the file is sound after every crash."""
    rng = random.Random(seed)
    server.start(data_file=db_path)
    identity, messaging = server.identity_client(), server.messaging_client()
    _, users, channel = _seed(identity, messaging, members=threads)

    acked = {}          # token -> (MessageId, content): the server said 201
    in_flight = {}      # token -> (thread index, content): sent, no answer before the kill
    figures = {"cycles": cycles, "acked": 0, "in_flight_retried": 0, "restart_s": []}
    # One boto3 client per sender thread, reused while the server comes back on the same port
    # (making a client costs ~0.3 s of CPU).
    clients = {}

    def client_for(i):
        key = (server.endpoint, i)
        if key not in clients:
            clients[key] = make_client("chime-sdk-messaging", server.endpoint, connect_timeout=2,
                                       read_timeout=5)
        return clients[key]

    def restart():
        t0 = time.monotonic()
        try:
            server.start(data_file=db_path, port=server.port)
        except RuntimeError:
            if server.running:
                raise
            server.start(data_file=db_path)  # the port was taken meanwhile
        figures["restart_s"].append(time.monotonic() - t0)

    def retry_in_flight():
        """A client retrying after the crash: same token, same parameters -> one message."""
        messaging = client_for(0)
        for token, (i, content) in list(in_flight.items()):
            resp = messaging.send_channel_message(
                ChannelArn=channel, ChimeBearer=users[i], Content=content, Type="STANDARD",
                Persistence="PERSISTENT", ClientRequestToken=token)
            acked[token] = (resp["MessageId"], content)
            figures["in_flight_retried"] += 1
        in_flight.clear()
        return messaging

    for cycle in range(cycles):
        if not server.running:
            restart()
        retry_in_flight()

        lock = threading.Lock()
        stop = threading.Event()
        count = [0]

        def sender(i, cycle=cycle, client=None):
            n = 0
            while not stop.is_set():
                token, content = str(uuid.uuid4()), f"c{cycle}-t{i}-m{n}"
                with lock:
                    in_flight[token] = (i, content)
                try:
                    resp = client.send_channel_message(
                        ChannelArn=channel, ChimeBearer=users[i], Content=content,
                        Type="STANDARD", Persistence="PERSISTENT", ClientRequestToken=token)
                except (BotoCoreError, ClientError, OSError):
                    return  # the server is gone; the token stays in flight
                with lock:
                    del in_flight[token]
                    acked[token] = (resp["MessageId"], content)
                    count[0] += 1
                n += 1

        workers = [threading.Thread(target=sender, args=(i, cycle, client_for(i)), daemon=True)
                   for i in range(threads)]
        for t in workers:
            t.start()
        deadline = time.monotonic() + 10
        while count[0] < min_acks and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.3))  # kill at a random point of the stream
        status = server.kill()
        stop.set()
        for t in workers:
            t.join(15)
        if status != -9:
            raise AssertionError(f"cycle {cycle}: the server should have died of SIGKILL, got {status}")
        if count[0] < 20:
            raise AssertionError(f"cycle {cycle}: only {count[0]} messages acknowledged before the kill")
        result = integrity_check(db_path)
        if result != "ok":
            raise AssertionError(f"cycle {cycle}: PRAGMA integrity_check after SIGKILL: {result}")
        if log:
            log(f"cycle {cycle + 1}/{cycles}: {count[0]} acked, {len(in_flight)} in flight at the kill, "
                f"integrity ok")

    restart()
    messaging = retry_in_flight()
    history = _all_messages(messaging, channel, users[0])
    ids = [m for m, _ in history]
    if len(ids) != len(set(ids)):
        raise AssertionError("a MessageId appears twice in history")
    by_content = {}
    for _, content in history:
        by_content[content] = by_content.get(content, 0) + 1
    for token, (message_id, content) in acked.items():
        if message_id not in ids:
            raise AssertionError(f"acknowledged message {message_id} ({content}) lost")
        if by_content.get(content) != 1:
            raise AssertionError(f"{content}: {by_content.get(content, 0)} messages for one token")
    # Nothing else: every message in history belongs to an acknowledged or retried token.
    if len(history) != len(acked):
        raise AssertionError(f"{len(history)} messages in history, {len(acked)} tokens sent")
    rc = server.stop()
    if rc != 0:
        raise AssertionError(f"clean stop after the storm exited with {rc}")
    result = integrity_check(db_path)
    if result != "ok":
        raise AssertionError(f"PRAGMA integrity_check after the storm: {result}")
    figures["acked"] = len(acked)
    figures["messages"] = len(history)
    return figures


class CrashStormTest(unittest.TestCase):
    """A short crash-and-restart storm (CHIME_STORM_CYCLES, default 5; bench/crash_storm.py runs
    a longer one): no acknowledged message lost or duplicated, in-flight tokens retried after a
    crash give one message, the SQLite file passes integrity_check after every SIGKILL."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="chime-local-crash-")
        self.db = os.path.join(self.tmp, "chime.db")
        self.server = ChimeLocal()

    def tearDown(self):
        if self.server.running:
            self.server.kill()
        self.server.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_sigkill_storm_loses_and_duplicates_nothing(self):
        cycles = int(os.environ.get("CHIME_STORM_CYCLES", "5"))
        figures = crash_storm(self.server, self.db, cycles)
        self.assertGreaterEqual(figures["acked"], cycles * 20)
        print(f"\nstorm: {cycles} SIGKILLs, {figures['acked']} messages, "
              f"{figures['in_flight_retried']} in-flight tokens retried", file=sys.stderr)


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
