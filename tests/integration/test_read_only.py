"""--read-only never writes the database file.

A store served --read-only used to be protected only at the HTTP edge: moving the test clock
deleted expired channels, and the 5-second expiry sweep and the channel-flow time-out sweep
submitted write units, so a channel past its ExpirationDays was gone from the file after a
restart. Now the store opens every connection read-only and runs no sweep; the dispatcher refuses
every write before storage; the clock still moves, and expired resources are refused as gone
without being deleted.
"""

import hashlib
import json
import os
import shutil
import tempfile
import time
import unittest

from harness import ChimeLocal, ChimeTestCase, unique_name

DAY = 86400


def checksums(path):
    """sha256 of the database file and of its -wal/-shm files, for those that exist."""
    out = {}
    for suffix in ("", "-wal", "-shm"):
        name = path + suffix
        if os.path.exists(name):
            with open(name, "rb") as f:
                out[suffix or "db"] = hashlib.sha256(f.read()).hexdigest()
    return out


class ReadOnlyNeverWritesTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="chime-local-ro-")
        self.path = os.path.join(self.tmp, "chime-local.sqlite3")
        self.emu = ChimeLocal()

    def tearDown(self):
        self.emu.stop()
        self.emu.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def clock(self, body):
        return self.emu.raw_request("POST", "/_chime-local/clock", body=json.dumps(body).encode(),
                                    headers={"Content-Type": "application/json"})

    def test_clock_sweeps_and_refused_writes_leave_the_file_unchanged(self):
        # A channel that expires one day after its creation, in a file store.
        self.emu.start(data_file=self.path)
        identity = self.emu.identity_client()
        messaging = self.emu.messaging_client()
        app = identity.create_app_instance(Name=unique_name("ro"), ClientRequestToken="token-1")["AppInstanceArn"]
        user = identity.create_app_instance_user(AppInstanceArn=app, AppInstanceUserId="u1", Name="u1",
                                                 ClientRequestToken="token-1")["AppInstanceUserArn"]
        channel = messaging.create_channel(
            AppInstanceArn=app, Name="expiring", ChimeBearer=user, ClientRequestToken="token-1",
            ExpirationSettings={"ExpirationDays": 1, "ExpirationCriterion": "CREATED_TIMESTAMP"})["ChannelArn"]
        self.assertEqual(self.emu.stop(), 0, self.emu.log_report())
        before = checksums(self.path)
        self.assertIn("db", before)

        self.emu.start(data_file=self.path, extra_args=["--read-only"])
        identity = self.emu.identity_client()
        messaging = self.emu.messaging_client()
        messaging.describe_channel(ChannelArn=channel, ChimeBearer=user)

        # The clock moves (fixture state), and says that nothing was deleted.
        status, _, body = self.clock({"advanceSeconds": 3 * DAY})
        self.assertEqual(status, 200, body)
        moved = json.loads(body)
        self.assertGreaterEqual(moved["offsetSeconds"], 3 * DAY)
        self.assertTrue(moved["readOnly"])
        self.assertNotIn("expired", moved)
        self.assertIn("nothing was deleted", moved["message"])

        # Past the expiry sweep's 5-second tick (and many flow time-out ticks).
        time.sleep(6.5)

        # Reads: the expired channel is refused as gone, the rest is served.
        with self.assertRaises(messaging.exceptions.ForbiddenException):
            messaging.describe_channel(ChannelArn=channel, ChimeBearer=user)
        identity.describe_app_instance(AppInstanceArn=app)
        identity.list_app_instance_users(AppInstanceArn=app)
        status, _, _ = self.emu.raw_request("GET", "/_chime-local/snapshot")
        self.assertEqual(status, 200)

        # Writes: refused with ForbiddenException naming the flag, before storage.
        with self.assertRaises(messaging.exceptions.ForbiddenException) as ctx:
            messaging.send_channel_message(ChannelArn=channel, Content="x", Type="STANDARD",
                                           Persistence="PERSISTENT", ChimeBearer=user)
        self.assertIn("--read-only", str(ctx.exception))
        with self.assertRaises(identity.exceptions.ForbiddenException):
            identity.delete_app_instance(AppInstanceArn=app)
        for method, path, body in (("POST", "/_chime-local/reset", b""),
                                   ("POST", "/_chime-local/reset?appInstanceArn=" + app, b""),
                                   ("POST", "/_chime-local/seed", b'{"AppInstances": [{"Name": "s"}]}'),
                                   ("PUT", "/_chime-local/snapshot", b"SQLite format 3\x00")):
            status, _, answer = self.emu.raw_request(method, path, body=body)
            self.assertEqual(status, 403, (method, path, answer))
            self.assertIn("--read-only", answer.decode())
        status, _, body = self.clock({"reset": True})
        self.assertEqual(status, 200, body)
        status, health = self.emu.health()
        self.assertEqual((status, health["status"], health["readOnly"], health["storageErrors"]),
                         (200, "ok", True, 0), health)
        self.assertEqual(self.emu.stop(), 0, self.emu.log_report())

        after = checksums(self.path)
        self.assertEqual(after["db"], before["db"], "the database file changed under --read-only")
        for suffix in ("-wal", "-shm"):
            if suffix in before:
                self.assertEqual(after.get(suffix), before[suffix], suffix + " changed under --read-only")
        # A WAL that a read-only connection may create holds no frame (nothing was written).
        if os.path.exists(self.path + "-wal"):
            self.assertEqual(os.path.getsize(self.path + "-wal"), 0)

        # Writable again: the channel is still stored (and expires only by the real clock).
        self.emu.start(data_file=self.path)
        self.emu.messaging_client().describe_channel(ChannelArn=channel, ChimeBearer=user)


class ControlAccessTests(ChimeTestCase):
    """Without --read-only every control endpoint still answers as before."""

    def test_unknown_method_names_the_methods_of_the_path(self):
        for method, path, use in (("PUT", "/_chime-local/faults", "Use GET, POST or DELETE for /_chime-local/faults"),
                                  ("GET", "/_chime-local/faults/3", "Use DELETE for /_chime-local/faults/3"),
                                  ("POST", "/_chime-local/health", "Use GET or HEAD for /_chime-local/health"),
                                  ("GET", "/_chime-local/reset", "Use POST for /_chime-local/reset")):
            status, _, body = self.raw_request(method, path)
            self.assertEqual(status, 400, body)
            self.assertIn(use, body.decode())
        status, _, body = self.raw_request("GET", "/_chime-local/nothing-here")
        self.assertEqual(status, 404, body)


if __name__ == "__main__":
    unittest.main()
