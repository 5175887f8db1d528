"""When the emulator ends a messaging session (the WebSocket of amazon-chime-sdk-js), over a raw
socket with the presigned /connect URL the SDK opens:

- sessions whose client never reads: once their queue overflows they leave at once (a new
  session of the same user connects instead of getting 4003) and their connections are dropped
  after a short write deadline;
- the sessions of a deleted user (DeleteAppInstanceUser, reset of its app instance) are closed
  with 4401, so a user re-created with the same id never receives on them.
"""

import json
import socket
import struct
import threading
import time
import unittest
import urllib.parse

from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from harness import ACCESS_KEY, REGION, SECRET_KEY, ChimeTestCase, quote_arn, unique_name
from raw_http import parse_responses, read_head, request_bytes

PER_USER = 3


class Session:
    """A WebSocket client of the messaging session, just enough for these tests."""

    def __init__(self, port: int, user_arn: str, receive_buffer: int | None = None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer:
            # A client that does not read: keep what the kernel buffers for it small.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self.sock.settimeout(10)
        self.sock.connect(("127.0.0.1", port))
        url = f"http://localhost:{port}/connect?sessionId={unique_name('s')}&userArn={quote_arn(user_arn)}"
        req = AWSRequest(method="GET", url=url)
        SigV4QueryAuth(Credentials(ACCESS_KEY, SECRET_KEY), "chime", REGION, expires=10).add_auth(req)
        parts = urllib.parse.urlsplit(req.prepare().url)
        self.sock.sendall((f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: localhost:{port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                          .encode())
        head = read_head(self.sock)
        assert head.startswith(b"HTTP/1.1 101"), head
        self.buffer = head.partition(b"\r\n\r\n")[2]

    def _need(self, n: int):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("closed")
            self.buffer += chunk

    def frame(self):
        """The next frame: (opcode, payload)."""
        self._need(2)
        opcode, length = self.buffer[0] & 0x0F, self.buffer[1] & 0x7F
        offset = 2
        if length == 126:
            self._need(4)
            length, offset = struct.unpack("!H", self.buffer[2:4])[0], 4
        elif length == 127:
            self._need(10)
            length, offset = struct.unpack("!Q", self.buffer[2:10])[0], 10
        self._need(offset + length)
        payload = self.buffer[offset:offset + length]
        self.buffer = self.buffer[offset + length:]
        return opcode, payload

    def event(self):
        """The next text frame's event type, or ("close", code, reason) for a close frame."""
        while True:
            opcode, payload = self.frame()
            if opcode == 1:
                return json.loads(payload)["Headers"]["x-amz-chime-event-type"]
            if opcode == 8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                return ("close", code, payload[2:].decode())

    def closed_within(self, seconds: float) -> bool:
        """Reads (and drops) everything until the server closes or resets the connection."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                if not self.sock.recv(1 << 20):
                    return True
            except (ConnectionResetError, BrokenPipeError):
                return True
            except socket.timeout:
                return False
        return False

    def close(self):
        self.sock.close()


class SessionLifecycleTests(ChimeTestCase):
    server_args = ("--max-sessions-per-user", str(PER_USER))

    def setUp(self):
        self.app = self.make_app_instance()
        self.sender = self.make_user(self.app, name="Sender")
        self.reader = self.make_user(self.app, name="Reader")
        self.channel = self.make_channel(self.app, self.sender)
        self.messaging.create_channel_membership(ChannelArn=self.channel, MemberArn=self.reader,
                                                 Type="DEFAULT", ChimeBearer=self.sender)
        self.sessions = []

    def tearDown(self):
        for s in self.sessions:
            s.close()

    def open(self, user_arn, receive_buffer=None):
        s = Session(self.server.port, user_arn, receive_buffer)
        self.sessions.append(s)
        return s

    def flood(self, count: int, connections: int = 4):
        """Sends `count` 4 KB messages from the sender, over raw keep-alive connections."""
        path = f"/channels/{quote_arn(self.channel)}/messages"
        content = "x" * 4000

        def send(n):
            with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as c:
                for _ in range(n):
                    body = json.dumps({"Content": content, "Type": "STANDARD", "Persistence": "NON_PERSISTENT",
                                       "ClientRequestToken": unique_name("t")})
                    c.sendall(request_bytes("POST", path, body, {
                        "Content-Type": "application/json", "x-amz-chime-bearer": self.sender}))
                    data = b""
                    while True:
                        data += c.recv(65536)
                        responses, _ = parse_responses(data)
                        if responses:
                            assert responses[0].status == 201, responses[0]
                            break

        threads = [threading.Thread(target=send, args=(count // connections,)) for _ in range(connections)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)

    def test_sessions_that_never_read_leave_at_once_and_are_dropped(self):
        stuck = [self.open(self.reader, receive_buffer=4096) for _ in range(PER_USER)]
        refused = self.open(self.reader)
        self.assertEqual(refused.event(), ("close", 4003, f"Too many messaging sessions for this user (limit {PER_USER})"))
        # Enough frames to fill the sockets and overflow the 1,024-frame queue of each.
        started = time.monotonic()
        self.flood(2400)
        flooded = time.monotonic()
        self.assertLess(flooded - started, 20)
        # Out of the hub at once: the user's next session connects and receives.
        fresh = self.open(self.reader)
        self.assertEqual(fresh.event(), "SESSION_ESTABLISHED")
        self.send_text(self.channel, self.sender, "after")
        self.assertEqual(fresh.event(), "CREATE_CHANNEL_MESSAGE")
        # And their connections are dropped after the close frame's 5 s write deadline.
        for s in stuck:
            self.assertTrue(s.closed_within(max(0.5, flooded + 8 - time.monotonic())),
                            "a session that never reads is still connected")

    def test_a_deleted_users_sessions_are_closed_with_4401(self):
        user_id = unique_name("gone")
        user = self.make_user(self.app, user_id=user_id)
        session = self.open(user)
        self.assertEqual(session.event(), "SESSION_ESTABLISHED")
        self.identity.delete_app_instance_user(AppInstanceUserArn=user)
        session.sock.settimeout(5)
        self.assertEqual(session.event(), ("close", 4401, "Unauthorized: the user or bot was deleted"))
        # Re-created with the same id: a new session works, the old one is gone.
        self.assertEqual(self.make_user(self.app, user_id=user_id), user)
        again = self.open(user)
        self.assertEqual(again.event(), "SESSION_ESTABLISHED")
        self.assertTrue(session.closed_within(5))

    def test_resetting_the_app_instance_closes_its_users_sessions(self):
        session = self.open(self.reader)
        self.assertEqual(session.event(), "SESSION_ESTABLISHED")
        other_app = self.make_app_instance()
        other = self.open(self.make_user(other_app))
        self.assertEqual(other.event(), "SESSION_ESTABLISHED")
        status, _, body = self.server.raw_request("POST", f"/_chime-local/reset?appInstanceArn={quote_arn(self.app)}")
        self.assertEqual(status, 200, body)
        session.sock.settimeout(5)
        self.assertEqual(session.event()[:2], ("close", 4401))
        other.sock.settimeout(1)
        with self.assertRaises(socket.timeout):
            other.frame()


if __name__ == "__main__":
    unittest.main()
