"""The REST API over https:// on the same port gets every rule of the plain-HTTP loop: framing
(no smuggling), cross-site and Host checks, the head deadline, injected latency that delays only
its own request, the request log, and ws upgrades (wss://) from the same loop.

The server's local CA (printed as `chime-local TLS CA: <path>`) is trusted by these clients.
"""

import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest

import botocore.exceptions

from harness import ChimeLocal, ChimeTestCase, make_client, server_binary, unique_name
from raw_http import parse_responses, read_head, read_until_closed, request_bytes

FORM_HEADERS = {"Origin": "https://evil.example", "Content-Type": "text/plain;charset=UTF-8"}


class HttpsParityTests(ChimeTestCase):
    server_args = ("--header-timeout", "2", "--log-level", "info", "--cors-origins", "http://localhost:3000")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        deadline = time.monotonic() + 10
        ca = []
        while not ca and time.monotonic() < deadline:
            ca = [l.split("chime-local TLS CA: ", 1)[1].split(" (trust", 1)[0] for l in cls.server.stdout_lines
                  if l.startswith("chime-local TLS CA: ")]
            time.sleep(0.02)
        assert ca, cls.server.stdout_lines
        cls.ca = ca[0]
        cls.tls = ssl.create_default_context(cafile=cls.ca)
        cls.https = f"https://localhost:{cls.server.port}"

    def connect(self):
        raw = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        return self.tls.wrap_socket(raw, server_hostname="localhost")

    def exchange(self, data: bytes, quiet: float = 1.0):
        """Sends bytes over TLS; returns (responses, closed_by_server)."""
        with self.connect() as s:
            s.sendall(data)
            raw, closed = read_until_closed(s, quiet)
        return parse_responses(raw)[0], closed

    def client(self, service):
        return make_client(service, self.https, verify=self.ca)

    def test_boto3_over_https(self):
        identity = self.client("chime-sdk-identity")
        name = unique_name("tls")
        arn = identity.create_app_instance(Name=name, ClientRequestToken=unique_name("tok"))["AppInstanceArn"]
        self.assertEqual(identity.describe_app_instance(AppInstanceArn=arn)["AppInstance"]["Name"], name)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            identity.describe_app_instance(AppInstanceArn=arn + "-missing")
        self.assertEqual(e.exception.response["Error"]["Code"], "ForbiddenException")  # not modeled: README

    def test_ambiguous_framing_is_refused_and_nothing_smuggled(self):
        name = unique_name("smuggled")
        hidden = request_bytes("POST", "/app-instances",
                               json.dumps({"Name": name, "ClientRequestToken": unique_name("tok")}),
                               {"Content-Type": "application/json"})
        for te in ("xchunked", "chunked, gzip", "identity"):
            with self.subTest(te=te):
                outer = request_bytes("POST", "/_chime-local/health", b"",
                                      {"Transfer-Encoding": te, "Content-Length": str(len(hidden))})
                responses, closed = self.exchange(outer + hidden)
                self.assertEqual(len(responses), 1, responses)
                self.assertEqual(responses[0].status, 400)
                self.assertEqual(responses[0].error_type, "BadRequestException")
                self.assertTrue(closed)
        names = {a["Name"] for a in self.identity.list_app_instances(MaxResults=50).get("AppInstances", [])}
        self.assertNotIn(name, names)

    def test_cross_site_form_post_and_foreign_host_are_refused(self):
        keep = unique_name("keep")
        self.make_app_instance(keep)
        responses, _ = self.exchange(request_bytes("POST", "/_chime-local/reset", "x", FORM_HEADERS,
                                                   host=f"localhost:{self.server.port}"))
        self.assertEqual([r.status for r in responses], [403], responses)
        self.assertIn("Cross-site request refused", responses[0].json()["Message"])
        responses, _ = self.exchange(request_bytes("GET", "/_chime-local/health", host="rebound.evil.example"))
        self.assertEqual([r.status for r in responses], [403], responses)
        names = {a["Name"] for a in self.identity.list_app_instances(MaxResults=50).get("AppInstances", [])}
        self.assertIn(keep, names)

    def test_slow_head_gets_408_after_the_head_deadline(self):
        with self.connect() as s:
            s.sendall(b"GET /_chime-local/health HTTP/1.1\r\nHost: localhost\r\n")
            started = time.monotonic()
            raw, closed = read_until_closed(s, quiet=10)
            waited = time.monotonic() - started
        self.assertTrue(closed)
        responses = parse_responses(raw)[0]
        self.assertEqual([r.status for r in responses], [408], raw)
        self.assertGreater(waited, 1.0)
        self.assertLess(waited, 8.0)

    def test_a_trickling_tls_client_is_cut_at_the_header_timeout_from_connecting(self):
        """TLS detection, the TLS handshake and the request head share one --header-timeout
        (2 s here) counted from the connection, as plain HTTP's first head does: a client that
        spends most of it on each step is not given a fresh one for the next."""
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as raw:
            connected = time.monotonic()
            incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
            tls = self.tls.wrap_bio(incoming, outgoing, server_hostname="localhost")

            def handshake_step():
                try:
                    tls.do_handshake()
                    return True
                except ssl.SSLWantReadError:
                    return False

            handshake_step()
            hello = outgoing.read()
            time.sleep(0.7)
            raw.sendall(hello[:11])  # enough to tell TLS from HTTP
            time.sleep(0.7)
            raw.sendall(hello[11:])
            done = False
            while not done:
                data = raw.recv(65536)
                self.assertTrue(data, "closed during the handshake")
                incoming.write(data)
                done = handshake_step()
                raw.sendall(outgoing.read())
            tls.write(b"GET /_chime-local/health HTTP/1.1\r\nHost: localhost\r\n")  # never finished
            raw.sendall(outgoing.read())
            answer = b""
            while not answer:  # the 408 (the connection then lingers for the client's EOF)
                data = raw.recv(65536)
                self.assertTrue(data, "closed without an answer")
                incoming.write(data)
                try:
                    answer = tls.read(65536)
                except ssl.SSLWantReadError:
                    pass
            waited = time.monotonic() - connected
        self.assertTrue(answer.startswith(b"HTTP/1.1 408"), answer)
        self.assertGreater(waited, 1.5)
        self.assertLess(waited, 2.9, "the TLS steps got a deadline each")

    def test_fault_latency_delays_only_its_own_request(self):
        self.server.raw_request("DELETE", "/_chime-local/faults")
        status, _, body = self.server.raw_request(
            "POST", "/_chime-local/faults", {"Content-Type": "application/json"},
            json.dumps({"operation": "ListAppInstances", "latencyMs": 1500}).encode())
        self.assertEqual(status, 201, body)
        try:
            identity = self.client("chime-sdk-identity")
            slow = {}

            def call():
                t = time.monotonic()
                identity.list_app_instances()
                slow["s"] = time.monotonic() - t

            thread = threading.Thread(target=call)
            thread.start()
            time.sleep(0.2)
            other = self.client("chime-sdk-identity")
            t = time.monotonic()
            other.describe_app_instance(AppInstanceArn=self.make_app_instance())
            fast = time.monotonic() - t
            thread.join(10)
            self.assertGreaterEqual(slow["s"], 1.4)
            self.assertLess(fast, 1.0)
        finally:
            self.server.raw_request("DELETE", "/_chime-local/faults")

    def test_requests_over_https_are_logged(self):
        start = self.server.log_size()
        responses, _ = self.exchange(request_bytes("GET", "/_chime-local/health", host="localhost"))
        request_id = responses[0].headers["x-amzn-requestid"]
        deadline = time.monotonic() + 5
        while request_id not in self.server.log_text(start) and time.monotonic() < deadline:
            time.sleep(0.05)
        line = [l for l in self.server.log_text(start).splitlines() if request_id in l]
        self.assertEqual(len(line), 1, self.server.log_text(start))
        self.assertIn("status=200", line[0])
        self.assertIn("https", line[0])

    def test_wss_upgrade_follows_cors_origins(self):
        def upgrade(origin):
            with self.connect() as s:
                s.sendall(request_bytes("GET", "/connect?userArn=arn%3Aaws%3Achime%3Aus-east-1%3A111122223333"
                                        "%3Aapp-instance%2Fx%2Fuser%2Fy&sessionId=s1", headers={
                                            "Origin": origin, "Upgrade": "websocket", "Connection": "Upgrade",
                                            "Sec-WebSocket-Version": "13",
                                            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="},
                                        host=f"localhost:{self.server.port}"))
                s.settimeout(5)
                return int(read_head(s).split(b" ", 2)[1])

        self.assertEqual(upgrade("http://localhost:3000"), 101)
        self.assertEqual(upgrade("https://evil.example"), 403)

    def test_keep_alive_serves_several_requests_on_one_tls_connection(self):
        one = request_bytes("GET", "/_chime-local/health", host="localhost")
        responses, closed = self.exchange(one * 3)
        self.assertEqual([r.status for r in responses], [200, 200, 200])
        self.assertFalse(closed)


    def test_large_bodies_cross_tls_in_many_records_both_ways(self):
        # A request body and an answer far larger than one TLS record (16 KB): many reads of the
        # server's TLS layer, many records written. 40 messages of 4 KB, listed in one page.
        messaging = self.client("chime-sdk-messaging")
        identity = self.client("chime-sdk-identity")
        app = identity.create_app_instance(Name=unique_name("big"), ClientRequestToken=unique_name("t"))["AppInstanceArn"]
        user = identity.create_app_instance_user(AppInstanceArn=app, AppInstanceUserId="u", Name="U",
                                                 ClientRequestToken=unique_name("t"))["AppInstanceUserArn"]
        channel = messaging.create_channel(AppInstanceArn=app, Name="c", ChimeBearer=user,
                                           ClientRequestToken=unique_name("t"))["ChannelArn"]
        contents = [(f"{i:02d}" + "x" * 4094) for i in range(40)]
        for c in contents:
            messaging.send_channel_message(ChannelArn=channel, Content=c, Type="STANDARD",
                                           Persistence="PERSISTENT", ChimeBearer=user)
        page = messaging.list_channel_messages(ChannelArn=channel, ChimeBearer=user, MaxResults=50,
                                               SortOrder="ASCENDING")["ChannelMessages"]
        self.assertEqual([m["Content"] for m in page], contents)
        # A 600 KB request body (a seed of one app instance with a long name is refused: read whole).
        body = b'{"AppInstances": [], "pad": "' + b"p" * 600_000 + b'"}'
        responses, _ = self.exchange(request_bytes("POST", "/_chime-local/seed", body=body, host="localhost",
                                                   headers={"Content-Type": "application/json",
                                                            "Connection": "close"}))
        self.assertEqual(len(responses), 1)
        self.assertIn(responses[0].status, (200, 400))


class UserCertificateTests(unittest.TestCase):
    """--tls-cert/--tls-key: loaded at start (a bad file stops it); the generated local CA's
    certificate is loaded at the first TLS connection instead (docs/performance.md "Performance")."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="chime-local-tls-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def test_a_certificate_that_cannot_be_loaded_stops_the_start(self):
        bad = os.path.join(self.dir, "bad.pem")
        with open(bad, "w") as f:
            f.write("not a certificate\n")
        p = subprocess.run([server_binary(), "--in-memory", "--port", "0", "--tls-cert", bad, "--tls-key", bad],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("cannot load TLS certificate " + bad, p.stderr)
        self.assertNotIn("listening", p.stdout)

    def test_a_users_certificate_serves_https(self):
        # A certificate made by another emulator's local CA stands in for one from mkcert.
        data = os.path.join(self.dir, "data")
        first = subprocess.Popen([server_binary(), "--port", "0", "--data-dir", data,
                                  "--ca-dir", os.path.join(data, "tls")], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True)
        for _ in range(2):
            first.stdout.readline()
        first.terminate()
        first.wait(30)
        tls = os.path.join(data, "tls")
        server = ChimeLocal()
        server.start(extra_args=("--tls-cert", os.path.join(tls, "server.pem"),
                                 "--tls-key", os.path.join(tls, "server-key.pem")))
        try:
            context = ssl.create_default_context(cafile=os.path.join(tls, "ca.pem"))
            with context.wrap_socket(socket.create_connection(("127.0.0.1", server.port), timeout=10),
                                     server_hostname="localhost") as s:
                s.sendall(request_bytes("GET", "/_chime-local/health", host="localhost",
                                        headers={"Connection": "close"}))
                self.assertIn(b"HTTP/1.1 200", read_head(s))
        finally:
            self.assertEqual(server.stop(), 0)
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
