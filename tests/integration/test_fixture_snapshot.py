"""Snapshots (GET/PUT /_chime-local/snapshot, --snapshot FILE): a GET under write load is one
consistent state (a SQLite file Python's sqlite3 opens, integrity ok, with every message
acknowledged before the GET and none sent after it); a PUT of it later brings back exactly that
state; a server starts from one with --snapshot; bad snapshots are refused with 400 (or a
failed start naming the file) and change nothing; --read-only refuses PUT."""
import os
import shutil
import sqlite3
import tempfile
import threading
import time
import unittest

from harness import ChimeLocal, ChimeTestCase, make_client, unique_name

SNAPSHOT = "/_chime-local/snapshot"
CONTENT = "x" * 3000  # a few hundred messages make a snapshot larger than the 1 MiB --max-body-bytes


def message_ids(messaging, channel, bearer):
    ids, token = set(), None
    while True:
        kw = {"NextToken": token} if token else {}
        resp = messaging.list_channel_messages(ChannelArn=channel, ChimeBearer=bearer, MaxResults=50, **kw)
        ids.update(m["MessageId"] for m in resp["ChannelMessages"])
        token = resp.get("NextToken")
        if not token:
            return ids


def open_snapshot(data: bytes, directory: str):
    path = os.path.join(directory, unique_name("snap") + ".sqlite3")
    with open(path, "wb") as f:
        f.write(data)
    return path, sqlite3.connect(path)


class ChannelOnAFileStoreCase(ChimeTestCase):
    """A file store (reads run on reader connections in WAL snapshots), a temporary directory
    for the class, and an app instance, user and channel for each test."""
    persistent = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix="chime-local-snap-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        self.app = self.make_app_instance()
        self.user = self.make_user(self.app)
        self.channel = self.make_channel(self.app, self.user)


class SnapshotTests(ChannelOnAFileStoreCase):

    def send(self, client, content=CONTENT):
        return client.send_channel_message(ChannelArn=self.channel, Content=content, Type="STANDARD",
                                           Persistence="PERSISTENT", ChimeBearer=self.user)["MessageId"]

    def get_snapshot(self):
        status, headers, data = self.raw_request("GET", SNAPSHOT, timeout=60)
        self.assertEqual(status, 200, data[:300])
        self.assertIn(headers["content-type"], ("application/vnd.sqlite3", "application/octet-stream"))
        return data

    def put_snapshot(self, data, expect=200):
        status, _, body = self.raw_request("PUT", SNAPSHOT, body=data, timeout=60,
                                           headers={"Content-Type": "application/vnd.sqlite3"})
        self.assertEqual(status, expect, body[:500])
        return body

    def test_get_under_load_is_consistent_and_put_restores_exactly_it(self):
        # Prefill in parallel: past 1 MiB, so the PUT needs --max-snapshot-bytes, not --max-body-bytes.
        prefill = []
        lock = threading.Lock()

        def fill(n):
            client = make_client("chime-sdk-messaging", self.endpoint)
            ids = [self.send(client) for _ in range(n)]
            with lock:
                prefill.extend(ids)
        threads = [threading.Thread(target=fill, args=(100,)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(prefill), 400)

        # Four writers keep sending during the GET.
        stop = threading.Event()
        acked, started = [], [0]
        errors = []

        def writer():
            client = make_client("chime-sdk-messaging", self.endpoint)
            while not stop.is_set():
                with lock:
                    started[0] += 1
                try:
                    mid = self.send(client, "load")
                except Exception as e:  # reported below: the load must not fail
                    errors.append(e)
                    return
                with lock:
                    acked.append(mid)
        writers = [threading.Thread(target=writer) for _ in range(4)]
        for t in writers:
            t.start()
        try:
            while len(acked) < 40:
                time.sleep(0.01)
            with lock:
                acked_before = len(prefill) + len(acked)
                one_acked = acked[-1]
            data = self.get_snapshot()
            with lock:
                started_after = len(prefill) + started[0]
            while len(acked) < acked_before - len(prefill) + 40:  # more sent after the GET
                time.sleep(0.01)
        finally:
            stop.set()
            for t in writers:
                t.join()
        self.assertEqual(errors, [])
        self.assertGreater(len(data), 1024 * 1024)

        path, db = open_snapshot(data, self.tmp)
        try:
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            in_snapshot = {r[0] for r in db.execute(
                "SELECT message_id FROM channel_messages WHERE channel_arn = ?", (self.channel,))}
        finally:
            db.close()
        self.assertLessEqual(acked_before, len(in_snapshot))
        self.assertLessEqual(len(in_snapshot), started_after)
        self.assertIn(one_acked, in_snapshot)
        self.assertTrue(set(prefill) <= in_snapshot)

        now = message_ids(self.messaging, self.channel, self.user)
        sent_after = now - in_snapshot
        self.assertTrue(sent_after, "messages sent after the GET")

        answer = self.put_snapshot(data)
        self.assertIn(b'"restored":true', answer.replace(b" ", b""))
        self.assertEqual(message_ids(self.messaging, self.channel, self.user), in_snapshot)
        gone = next(iter(sent_after))
        with self.assertClientError("NotFoundException"):
            self.messaging.get_channel_message(ChannelArn=self.channel, MessageId=gone, ChimeBearer=self.user)
        # The restored store keeps working: a new message, and a second GET has it.
        new_id = self.send(self.messaging, "after the restore")
        self.assertIn(new_id, message_ids(self.messaging, self.channel, self.user))
        os.unlink(path)

    def test_put_replaces_resources_too(self):
        data = self.get_snapshot()
        later_app = self.make_app_instance()
        self.put_snapshot(data)
        # DescribeAppInstance models no NotFoundException: an unknown instance is Forbidden.
        with self.assertClientError("ForbiddenException"):
            self.identity.describe_app_instance(AppInstanceArn=later_app)
        self.identity.describe_app_instance(AppInstanceArn=self.app)

    def assert_refused(self, body, *words):
        before = message_ids(self.messaging, self.channel, self.user)
        status, headers, answer = self.raw_request("PUT", SNAPSHOT, body=body, timeout=30)
        self.assertEqual(status, 400, answer)
        self.assertEqual(headers.get("x-amzn-errortype", "").split(":")[0], "BadRequestException")
        for w in words:
            self.assertIn(w.lower(), answer.decode().lower())
        self.assertEqual(message_ids(self.messaging, self.channel, self.user), before)
        self.identity.describe_app_instance(AppInstanceArn=self.app)

    def test_bad_snapshots_are_refused_and_change_nothing(self):
        self.send(self.messaging, "stays")
        self.assert_refused(b"", "empty")
        self.assert_refused(b"this is not a database" * 100, "not a sqlite database")
        # A SQLite file, but not ours.
        path = os.path.join(self.tmp, "other.sqlite3")
        other = sqlite3.connect(path)
        other.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        other.execute("INSERT INTO notes (text) VALUES ('hello')")
        other.commit()
        other.close()
        with open(path, "rb") as f:
            self.assert_refused(f.read(), "not a chime-local database")
        # Ours, but from a newer chime-local.
        _, schema = self.health()
        data = self.get_snapshot()
        newer, db = open_snapshot(data, self.tmp)
        db.execute(f"PRAGMA user_version = {schema['schemaVersion'] + 1}")
        db.commit()
        db.close()
        with open(newer, "rb") as f:
            self.assert_refused(f.read(), "newer")
        # Ours, cut short.
        self.assert_refused(data[: len(data) // 2], "snapshot")

    def health(self):
        import json
        status, _, body = self.raw_request("GET", "/_chime-local/health")
        return status, json.loads(body)

    def test_other_methods_are_refused(self):
        status, _, _ = self.raw_request("DELETE", SNAPSHOT)
        self.assertEqual(status, 400)
        status, _, _ = self.raw_request("POST", SNAPSHOT, body=b"x")
        self.assertEqual(status, 400)

    def test_start_from_a_snapshot_file_and_read_only_refuses_put(self):
        sent = self.send(self.messaging, "in the file")
        data = self.get_snapshot()
        path = os.path.join(self.tmp, "start.sqlite3")
        with open(path, "wb") as f:
            f.write(data)
        # In memory from the file.
        with ChimeLocal().start(extra_args=["--snapshot", path]) as other:
            messaging = other.messaging_client()
            got = messaging.get_channel_message(ChannelArn=self.channel, MessageId=sent, ChimeBearer=self.user)
            self.assertEqual(got["ChannelMessage"]["Content"], "in the file")
            self.assertEqual(message_ids(messaging, self.channel, self.user),
                             message_ids(self.messaging, self.channel, self.user))
        # A non-empty data file is replaced by the snapshot (an explicit flag).
        data_dir = tempfile.mkdtemp(prefix="chime-local-snapdir-", dir=self.tmp)
        data_file = os.path.join(data_dir, "store.sqlite3")
        emu = ChimeLocal().start(data_file=data_file)
        try:
            stale_app = emu.identity_client().create_app_instance(Name="replaced")["AppInstanceArn"]
            emu.stop()
            emu.start(data_file=data_file, extra_args=["--snapshot", path])
            with self.assertClientError("ForbiddenException"):  # unknown app instance
                emu.identity_client().describe_app_instance(AppInstanceArn=stale_app)
            emu.identity_client().describe_app_instance(AppInstanceArn=self.app)
            emu.stop()
            # The same file served --read-only: GET works, PUT is refused.
            emu.start(data_file=data_file, extra_args=["--read-only"])
            status, _, _ = emu.raw_request("GET", SNAPSHOT)
            self.assertEqual(status, 200)
            status, headers, body = emu.raw_request("PUT", SNAPSHOT, body=data, timeout=30)
            self.assertEqual(status, 403, body)
            self.assertIn("read-only", body.decode())
        finally:
            emu.stop()
            emu.cleanup()

    def test_an_invalid_snapshot_file_fails_the_start(self):
        path = os.path.join(self.tmp, "garbage.sqlite3")
        with open(path, "wb") as f:
            f.write(b"not a database at all")
        emu = ChimeLocal()
        try:
            with self.assertRaises(RuntimeError):
                emu.start(extra_args=["--snapshot", path])
            log = emu.log_text()
            self.assertIn(path, log)
            self.assertIn("not a SQLite database", log)
        finally:
            emu.stop()
            emu.cleanup()

    def test_snapshot_body_has_its_own_bound(self):
        data = self.get_snapshot()
        with ChimeLocal().start(extra_args=["--max-snapshot-bytes", str(len(data) - 1)]) as small:
            status, _, body = small.raw_request("PUT", SNAPSHOT, body=data, timeout=30)
            self.assertEqual(status, 413, body)
            self.assertIn(str(len(data) - 1).encode(), body)
            status, _, body = small.raw_request("GET", SNAPSHOT)
            self.assertEqual(status, 200)


class ResetOnAFileStoreTests(ChimeTestCase):
    """POST /_chime-local/reset on a file store (a write unit on the writer, not a reader):
    data, fault rules and the journal go; the store is usable at once."""
    persistent = True

    def test_reset_clears_data_faults_and_journal(self):
        import json
        app = self.make_app_instance()
        user = self.make_user(app)
        channel = self.make_channel(app, user)
        self.messaging.send_channel_message(ChannelArn=channel, Content="gone", Type="STANDARD",
                                            Persistence="PERSISTENT", ChimeBearer=user)
        status, _, _ = self.raw_request("POST", "/_chime-local/faults",
                                        body={"operation": "DeleteChannel", "error": "ServiceFailureException"})
        self.assertEqual(status, 201)
        status, _, body = self.raw_request("POST", "/_chime-local/reset")
        self.assertEqual(status, 200, body)
        self.assertEqual(self.identity.list_app_instances()["AppInstances"], [])
        _, _, faults = self.raw_request("GET", "/_chime-local/faults")
        self.assertEqual(json.loads(faults)["faults"], [])
        _, _, journal = self.raw_request("GET", "/_chime-local/requests")
        # Only the ListAppInstances made after the reset.
        self.assertEqual([r["operation"] for r in json.loads(journal)["requests"]], ["ListAppInstances"])
        # Usable at once (the tables were recreated), snapshot included.
        app = self.make_app_instance()
        self.assertEqual([a["AppInstanceArn"] for a in self.identity.list_app_instances()["AppInstances"]], [app])
        status, _, data = self.raw_request("GET", SNAPSHOT)
        self.assertEqual(status, 200)
        self.assertGreater(len(data), 1000)


class InMemorySnapshotTests(ChimeTestCase):
    """--in-memory: the GET runs on the writer connection between batches."""

    def test_round_trip(self):
        app = self.make_app_instance()
        user = self.make_user(app)
        channel = self.make_channel(app, user)
        kept = self.messaging.send_channel_message(ChannelArn=channel, Content="kept", Type="STANDARD",
                                                   Persistence="PERSISTENT", ChimeBearer=user)["MessageId"]
        status, _, data = self.raw_request("GET", SNAPSHOT)
        self.assertEqual(status, 200)
        self.messaging.send_channel_message(ChannelArn=channel, Content="dropped", Type="STANDARD",
                                            Persistence="PERSISTENT", ChimeBearer=user)
        status, _, body = self.raw_request("PUT", SNAPSHOT, body=data)
        self.assertEqual(status, 200, body)
        self.assertEqual(message_ids(self.messaging, channel, user), {kept})


class HostileSnapshotTests(ChannelOnAFileStoreCase):
    """Crafted SQLite files (made here with python's sqlite3 from a real snapshot): each PUT is a
    400 naming the problem, answered in bounded time; the server stays alive, health stays ok,
    the next PUT works and a send to the channel works afterwards."""

    def setUp(self):
        super().setUp()
        status, _, self.good = self.raw_request("GET", SNAPSHOT, timeout=30)
        self.assertEqual(status, 200)

    def crafted(self, *statements):
        path, db = open_snapshot(self.good, self.tmp)
        db.execute("PRAGMA foreign_keys=OFF")
        for sql in statements:
            db.executescript(sql)
        db.commit()
        db.close()
        with open(path, "rb") as f:
            data = f.read()
        os.unlink(path)
        return data

    def put(self, data, timeout=20):
        try:
            return self.raw_request("PUT", SNAPSHOT, body=data, timeout=timeout,
                                    headers={"Content-Type": "application/vnd.sqlite3"})
        except OSError as e:  # socket.timeout included: a hang fails, it does not block the suite
            self.fail(f"PUT /_chime-local/snapshot got no answer within {timeout} s: {e!r}")

    def assert_refused_and_healthy(self, data, *words):
        status, _, body = self.put(data)
        self.assertEqual(status, 400, body[:800])
        for w in words:
            self.assertIn(w.lower(), body.decode().lower())
        status, _, health = self.raw_request("GET", "/_chime-local/health", timeout=5)
        self.assertEqual(status, 200, health)
        self.assertIn(b'"ok"', health)
        status, _, body = self.put(self.good)
        self.assertEqual(status, 200, body[:500])
        self.messaging.send_channel_message(ChannelArn=self.channel, Content="still works", Type="STANDARD",
                                            Persistence="PERSISTENT", ChimeBearer=self.user)

    # Version 6 undone: no bot_invocations.
    UNDO_VERSION_6 = "DROP INDEX bot_invocations_by_state; DROP TABLE bot_invocations;"
    # Version 5 undone: channel_memberships as version 1 made it (UNIQUE (channel_arn, member_arn)).
    UNDO_VERSION_5 = (
        "DROP INDEX memberships_by_channel_member; DROP INDEX memberships_by_sub_channel; "
        "DROP INDEX memberships_by_member; ALTER TABLE channel_memberships RENAME TO memberships_v5; "
        "CREATE TABLE channel_memberships (id INTEGER PRIMARY KEY, "
        "channel_arn TEXT NOT NULL REFERENCES channels(arn) ON DELETE CASCADE, "
        "member_arn TEXT NOT NULL REFERENCES principals(arn) ON DELETE CASCADE, type TEXT NOT NULL, "
        "invited_by_arn TEXT NOT NULL, sub_channel_id TEXT, preferences TEXT, read_marker_ms INTEGER, "
        "created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, UNIQUE (channel_arn, member_arn)); "
        "INSERT INTO channel_memberships SELECT * FROM memberships_v5; DROP TABLE memberships_v5; "
        "CREATE INDEX memberships_by_member ON channel_memberships(member_arn, id);")

    def version_2_with_recursive_view(self):
        return self.crafted(
            self.UNDO_VERSION_6,
            self.UNDO_VERSION_5,
            "DROP INDEX channels_by_flow; DROP TABLE channel_flow_invocations; DROP TABLE channel_flows; "
            "DROP TABLE messaging_streaming_configurations; DROP TABLE client_tokens;",
            "CREATE VIEW idempotency_tokens AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
            "SELECT 's|' || n AS scope, 't' AS token, '00' AS request_hash, 'r' AS response, n AS created_ms FROM r",
            "PRAGMA user_version = 2")

    def test_a_recursive_view_is_refused_at_once(self):
        data = self.version_2_with_recursive_view()
        started = time.monotonic()
        self.assert_refused_and_healthy(data, "idempotency_tokens")
        self.assertLess(time.monotonic() - started, 15)

    def test_a_recursive_view_fails_the_start_with_snapshot(self):
        path = os.path.join(self.tmp, "view.sqlite3")
        with open(path, "wb") as f:
            f.write(self.version_2_with_recursive_view())
        emu = ChimeLocal(startup_timeout=20)
        try:
            with self.assertRaises(RuntimeError):
                emu.start(extra_args=["--snapshot", path])
            self.assertIsNotNone(emu.process.poll() if emu.process else 1)
            log = emu.log_text()
            self.assertIn(path, log)
            self.assertIn("idempotency_tokens", log)
        finally:
            try:
                emu.stop()
            finally:
                emu.cleanup()

    def test_a_channel_naming_a_missing_flow_is_refused(self):
        flow = self.app + "/channel-flow/missing"
        data = self.crafted(f"UPDATE channels SET channel_flow_arn = '{flow}'")
        self.assert_refused_and_healthy(data, "channel_flow_arn", "channels")

    def test_a_flow_without_processors_is_refused(self):
        flow = self.app + "/channel-flow/empty"
        data = self.crafted(
            "INSERT INTO channel_flows (arn, app_instance_arn, name, processors, created_ms, updated_ms) "
            f"VALUES ('{flow}', '{self.app}', 'f', '[]', 1, 1)",
            f"UPDATE channels SET channel_flow_arn = '{flow}'")
        self.assert_refused_and_healthy(data, "channel_flows", "processors")

    def test_a_table_without_its_foreign_key_is_refused(self):
        data = self.crafted(
            "DROP TABLE channel_moderators",
            "CREATE TABLE channel_moderators (id INTEGER PRIMARY KEY, channel_arn TEXT NOT NULL, "
            "moderator_arn TEXT NOT NULL, created_by_arn TEXT NOT NULL, created_ms INTEGER NOT NULL, "
            "UNIQUE (channel_arn, moderator_arn))",
            "CREATE INDEX moderators_by_member ON channel_moderators(moderator_arn, id)",
            "INSERT INTO channel_moderators (channel_arn, moderator_arn, created_by_arn, created_ms) "
            f"VALUES ('{self.channel}', '{self.app}/user/missing', '{self.user}', 1)")
        self.assert_refused_and_healthy(data, "channel_moderators")

    def test_out_of_range_numbers_are_refused(self):
        self.assert_refused_and_healthy(self.crafted(f"UPDATE app_instances SET retention_days = {2**62}"),
                                        "app_instances", "retention_days", "row id=")
        self.assert_refused_and_healthy(self.crafted(f"UPDATE principals SET expiration_days = {2**62}"),
                                        "principals", "expiration_days")

    def test_a_put_right_after_a_413_is_answered(self):
        with ChimeLocal().start(extra_args=["--max-snapshot-bytes", str(len(self.good) - 1)]) as small:
            status, _, body = small.raw_request("PUT", SNAPSHOT, body=self.good, timeout=30)
            self.assertEqual(status, 413, body)
            status, _, body = small.raw_request("PUT", SNAPSHOT, body=b"not a database" * 20, timeout=30)
            self.assertEqual(status, 400, body)


if __name__ == "__main__":
    unittest.main()
