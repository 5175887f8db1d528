"""The local CA: one per user, stable across --in-memory restarts, shared safely by parallel
starts, a server certificate for --public-host and --tls-san names, and `chime-local trust`.

Each test runs the binary with its own HOME (a temporary directory), so the CA it makes and
the NSS database `trust` writes are the test's own.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

from harness import ChimeLocal, raw_request, server_binary
from raw_http import read_head, request_bytes


def ca_path_of(server: ChimeLocal) -> str:
    deadline = time.monotonic() + 5  # the CA line follows the listening line
    while time.monotonic() < deadline:
        lines = [l for l in server.stdout_lines if l.startswith("chime-local TLS CA: ")]
        if lines:
            break
        time.sleep(0.02)
    assert lines, server.stdout_lines
    return lines[0].split("chime-local TLS CA: ", 1)[1].split(" (", 1)[0]


def https_health(port: int, cafile: str, server_hostname: str) -> bytes:
    context = ssl.create_default_context(cafile=cafile)
    with context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10),
                             server_hostname=server_hostname) as s:
        s.sendall(request_bytes("GET", "/_chime-local/health", host=server_hostname,
                                headers={"Connection": "close"}))
        return read_head(s)


class LocalCaTests(unittest.TestCase):
    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="chime-local-home-")
        self.addCleanup(shutil.rmtree, self.home, True)
        self.env = {"HOME": self.home, "XDG_DATA_HOME": ""}

    def start(self, *args: str) -> ChimeLocal:
        server = ChimeLocal(env=self.env).start(extra_args=args)

        def stop():
            self.assertEqual(server.stop(), 0)
            server.cleanup()
        self.addCleanup(stop)
        return server

    def test_in_memory_restarts_keep_one_ca_in_the_users_directory(self):
        first = self.start()
        ca = ca_path_of(first)
        self.assertEqual(ca, os.path.join(self.home, ".local", "share", "chime-local", "ca", "ca.pem"))
        with open(ca, "rb") as f:
            pem = f.read()
        first.stop()
        second = self.start()
        self.assertEqual(ca_path_of(second), ca)
        with open(ca, "rb") as f:
            self.assertEqual(f.read(), pem, "a restart must not make a new CA")
        self.assertIn(b"HTTP/1.1 200", https_health(second.port, ca, "localhost"))

    def test_public_host_and_tls_san_are_in_the_certificate(self):
        server = self.start("--public-host", "chime.test:4593", "--tls-san", "lan.example,10.1.2.3")
        ca = ca_path_of(server)
        for name in ("chime.test", "lan.example", "localhost"):
            with self.subTest(name=name):
                self.assertIn(b"HTTP/1.1 200", https_health(server.port, ca, name))
        with self.assertRaises(ssl.SSLCertVerificationError):
            https_health(server.port, ca, "other.example")

    def test_parallel_first_starts_share_one_ca(self):
        procs = [subprocess.Popen([server_binary(), "--in-memory", "--port", "0"], env=dict(os.environ, **self.env),
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for _ in range(4)]
        cas = []
        try:
            for p in procs:
                p.stdout.readline()
                cas.append(p.stdout.readline())
        finally:
            for p in procs:
                p.terminate()
                p.communicate(timeout=30)
        self.assertEqual(len(set(cas)), 1, cas)
        ca = cas[0].split("chime-local TLS CA: ", 1)[1].split(" (", 1)[0]
        with open(ca) as f:
            self.assertEqual(f.read().count("BEGIN CERTIFICATE"), 1)

    def test_ca_dir_overrides_and_a_bad_tls_san_stops_the_start(self):
        ca_dir = os.path.join(self.home, "my-ca")
        server = self.start("--ca-dir", ca_dir)
        self.assertEqual(ca_path_of(server), os.path.join(ca_dir, "ca.pem"))
        bad = subprocess.run([server_binary(), "--in-memory", "--port", "0", "--tls-san", "bad name!"],
                             env=dict(os.environ, **self.env), capture_output=True, text=True, timeout=30)
        self.assertEqual(bad.returncode, 2, bad.stderr)
        self.assertIn("--tls-san", bad.stderr)

    def test_an_existing_store_keeps_its_own_ca(self):
        # A store of an earlier version keeps its CA under <data dir>/tls.
        data = os.path.join(self.home, "data")
        db = os.path.join(data, "chime-local.sqlite3")
        old = ChimeLocal(env=dict(self.env, CHIME_LOCAL_CA_DIR=os.path.join(data, "tls"))).start(data_file=db)
        self.assertEqual(ca_path_of(old), os.path.join(data, "tls", "ca.pem"))
        self.assertEqual(old.stop(), 0)
        old.cleanup()
        server = ChimeLocal(env=self.env).start(data_file=db)
        self.addCleanup(server.cleanup)
        self.addCleanup(server.stop)
        self.assertEqual(ca_path_of(server), os.path.join(data, "tls", "ca.pem"))

    def test_the_ca_is_served_over_http_and_a_users_certificate_has_none(self):
        server = self.start()
        status, headers, body = raw_request(server.endpoint, "GET", "/_chime-local/ca.pem")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "application/x-pem-file")
        with open(ca_path_of(server), "rb") as f:
            self.assertEqual(body, f.read())
        tls = os.path.dirname(ca_path_of(server))
        own = self.start("--tls-cert", os.path.join(tls, "server.pem"), "--tls-key", os.path.join(tls, "server-key.pem"))
        status, headers, body = raw_request(own.endpoint, "GET", "/_chime-local/ca.pem")
        self.assertEqual(status, 404, body)
        self.assertIn(b"--tls-cert", body)

    def test_the_root_answers_a_landing_page(self):
        server = self.start()
        status, headers, body = raw_request(server.endpoint, "GET", "/")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/html"))
        for link in (b'href="/_chime-local/health"', b'href="/_chime-local/ca.pem"'):
            self.assertIn(link, body)

    def test_a_client_that_does_not_trust_the_ca_is_named_once_at_warn(self):
        server = ChimeLocal(env=self.env, log_level="warn").start()
        self.addCleanup(server.cleanup)
        self.addCleanup(server.stop)
        for _ in range(2):
            context = ssl.create_default_context()  # the system's CAs only: ours is unknown
            with self.assertRaises(ssl.SSLCertVerificationError):
                context.wrap_socket(socket.create_connection(("127.0.0.1", server.port), timeout=10),
                                    server_hostname="localhost")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with open(server.log_path, encoding="utf-8") as f:
                log = f.read()
            if "does not trust" in log:
                break
            time.sleep(0.05)
        self.assertEqual(log.count("does not trust the emulator's certificate"), 1, log)
        self.assertIn("chime-local trust", log)
        self.assertIn(ca_path_of(server), log)

    @unittest.skipUnless(shutil.which("certutil"), "certutil (libnss3-tools) is not installed")
    def test_trust_installs_into_the_users_nss_database_and_uninstall_removes_it(self):
        env = dict(os.environ, **self.env)
        out = subprocess.run([server_binary(), "trust", "--user-only"], env=env, capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        nssdb = os.path.join(self.home, ".pki", "nssdb")
        self.assertIn(f"{nssdb}: trusted for websites", out.stdout)
        self.assertIn("Undo: chime-local trust --uninstall", out.stdout)
        listed = subprocess.run(["certutil", "-L", "-d", "sql:" + nssdb], env=env, capture_output=True, text=True)
        self.assertIn("chime-local development CA", listed.stdout)
        self.assertRegex(listed.stdout, r"chime-local development CA\s+C,,")
        undo = subprocess.run([server_binary(), "trust", "--uninstall", "--user-only"], env=env,
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(undo.returncode, 0, undo.stdout + undo.stderr)
        listed = subprocess.run(["certutil", "-L", "-d", "sql:" + nssdb], env=env, capture_output=True, text=True)
        self.assertNotIn("chime-local development CA", listed.stdout)


if __name__ == "__main__":
    unittest.main()
