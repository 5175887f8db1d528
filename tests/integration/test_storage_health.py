"""Issue 9 defect 4: health that tells the truth about storage, and --read-only.

A read-only database file used to start fine and answer "ok" while every write failed with 500.
Now the server refuses to start on it (saying why and what to do) unless --read-only is asked
for, which serves reads and refuses writes with ForbiddenException; and storage errors seen
since start turn health into "degraded" (HTTP 503).

As root, file modes do not stop writes, so the read-only cases run the server as nobody
(setpriv), the way a container user without write access would.
"""

import os
import shutil
import sqlite3
import stat
import subprocess
import tempfile
import unittest

from harness import ChimeLocal, ChimeTestCase, server_binary, unique_name

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def unprivileged_prefix():
    """The command prefix that runs the server as a user who cannot write a 0444 file."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        raise unittest.SkipTest("running as root without setpriv (util-linux)")
    probe = subprocess.run(NOBODY + [server_binary(), "--version"], capture_output=True, text=True)
    if probe.returncode != 0:
        raise unittest.SkipTest(f"the binary is not executable by nobody: {probe.stderr.strip()}")
    return NOBODY


class UnprivilegedChimeLocal(ChimeLocal):
    def command(self, port: int = 0) -> list:
        return unprivileged_prefix() + super().command(port)


class ReadOnlyFileTests(unittest.TestCase):
    def setUp(self):
        self.prefix = unprivileged_prefix()
        self.tmp = tempfile.mkdtemp(prefix="chime-local-ro-")
        os.chmod(self.tmp, 0o777)  # the unprivileged server may create -wal/-shm here
        self.path = os.path.join(self.tmp, "chime-local.sqlite3")
        self.app_name = unique_name("existing")
        seed = ChimeLocal().start(data_file=self.path)
        seed.identity_client().create_app_instance(Name=self.app_name)
        self.assertEqual(seed.stop(), 0)
        seed.cleanup()
        os.chmod(self.path, 0o444)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_read_only_file_is_refused_at_start_with_a_clear_message(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHIME_LOCAL_")}
        proc = subprocess.run(self.prefix + [server_binary(), "--port", "0", "--data-file", self.path],
                              capture_output=True, text=True, timeout=20, env=env)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn(f"database file {self.path} is not writable by uid", proc.stderr)
        self.assertIn("--read-only", proc.stderr)
        self.assertNotIn("listening", proc.stdout)

    def test_read_only_flag_serves_reads_and_refuses_writes(self):
        server = UnprivilegedChimeLocal().start(data_file=self.path, extra_args=["--read-only"])
        try:
            identity = server.identity_client()
            names = [a["Name"] for a in identity.list_app_instances()["AppInstances"]]
            self.assertIn(self.app_name, names)
            with self.assertRaises(identity.exceptions.ForbiddenException) as ctx:
                identity.create_app_instance(Name=unique_name("new"))
            self.assertIn("--read-only", str(ctx.exception))
            status, _, body = server.raw_request("POST", "/_chime-local/reset")
            self.assertEqual(status, 403, body)
            status, health = server.health()
            self.assertEqual(status, 200)
            self.assertEqual(health["status"], "ok")
            self.assertTrue(health["readOnly"])
            self.assertEqual(health["storageErrors"], 0)
        finally:
            self.assertEqual(server.stop(), 0, server.log_report())
            server.cleanup()

    def test_read_only_needs_a_file(self):
        proc = subprocess.run([server_binary(), "--port", "0", "--in-memory", "--read-only"],
                              capture_output=True, text=True, timeout=20)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("--read-only", proc.stderr)


class DegradedHealthTests(ChimeTestCase):
    persistent = True

    def test_storage_errors_since_start_make_health_degraded(self):
        status, health = self.server.health()
        self.assertEqual((status, health["status"]), (200, "ok"))
        self.make_app_instance()
        # Break a table behind the server's back (what a corrupt file or a full disk looks like
        # from a request: the statement fails).
        db = sqlite3.connect(self.server.data_file)
        db.execute("DROP TABLE app_instance_user_endpoints")
        db.commit()
        db.close()
        app = self.make_app_instance()
        user = self.make_user(app)
        with self.assertClientError("ServiceFailureException"):
            self.identity.register_app_instance_user_endpoint(
                AppInstanceUserArn=user, Type="GCM", ResourceArn="arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc",
                EndpointAttributes={"DeviceToken": "tok"})
        status, health = self.server.health()
        self.assertEqual(status, 503, health)
        self.assertEqual(health["status"], "degraded")
        self.assertGreaterEqual(health["storageErrors"], 1)
        self.assertIn("app_instance_user_endpoints", health["lastStorageError"]["message"])
        self.assertEqual(health["lastStorageError"]["operation"], "RegisterAppInstanceUserEndpoint")


if __name__ == "__main__":
    unittest.main()
