"""Raw-socket HTTP for tests that must send what no HTTP client library would (smuggling
attempts, broken framing, slow heads) and see exactly what the server answers.

    from raw_http import exchange
    responses, closed = exchange(port, b"GET /_chime-local/health HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
    responses[0].status, responses[0].headers["x-amzn-errortype"], responses[0].json()

exchange() sends the bytes, then reads until the server closes the connection or nothing
arrives for `quiet` seconds, and parses every complete response (Content-Length framed, as
chime-local always sends). `closed` tells whether the server closed the connection.
"""

from __future__ import annotations

import json
import socket
import ssl
import time


class Response:
    def __init__(self, status: int, reason: str, headers: dict, body: bytes):
        self.status = status
        self.reason = reason
        self.headers = headers  # lower-cased names; repeated headers joined with ", "
        self.body = body

    @property
    def error_type(self):
        return self.headers.get("x-amzn-errortype")

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<Response {self.status} {self.error_type} {self.body[:200]!r}>"


def parse_responses(data: bytes, head_request: bool = False) -> tuple[list, bytes]:
    """Parses complete responses from the front of `data`; returns them and the rest."""
    out = []
    while True:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            return out, data
        head = data[:end].decode("latin-1").split("\r\n")
        parts = head[0].split(" ", 2)
        status = int(parts[1])
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            value = value.strip()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        length = 0 if head_request or status in (100, 204, 304) else int(headers.get("content-length", "0"))
        if len(data) < end + 4 + length:
            return out, data
        body = data[end + 4:end + 4 + length]
        data = data[end + 4 + length:]
        if status != 100:
            out.append(Response(status, parts[2] if len(parts) > 2 else "", headers, body))


def connect(port: int, timeout: float = 10.0) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_until_closed(s: socket.socket, quiet: float = 1.0, limit: float = 15.0) -> tuple[bytes, bool]:
    """Reads until EOF (closed=True), a reset or an aborted TLS stream (closed=True) or `quiet`
    seconds of silence. `s` may be a TLS socket (ssl.SSLSocket)."""
    data = b""
    deadline = time.monotonic() + limit
    s.settimeout(quiet)
    while time.monotonic() < deadline:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            return data, False
        except (ConnectionResetError, ssl.SSLError):
            return data, True
        if not chunk:
            return data, True
        data += chunk
    return data, False


def read_head(s: socket.socket) -> bytes:
    """Reads until the end of a response head (or EOF); returns everything read."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def exchange(port: int, data: bytes, quiet: float = 1.0, head_request: bool = False,
             half_close: bool = False) -> tuple[list, bool]:
    """Sends `data` on a new connection and returns (responses, closed_by_server)."""
    with connect(port) as s:
        s.sendall(data)
        if half_close:
            s.shutdown(socket.SHUT_WR)
        raw, closed = read_until_closed(s, quiet)
    responses, _ = parse_responses(raw, head_request)
    return responses, closed


def request_bytes(method: str, path: str, body: bytes | str = b"", headers: dict | None = None,
                  version: str = "HTTP/1.1", host: str | None = "127.0.0.1") -> bytes:
    """A well-formed request (Host and Content-Length added unless given)."""
    if isinstance(body, str):
        body = body.encode()
    hdrs = dict(headers or {})
    lines = [f"{method} {path} {version}"]
    if host is not None and not any(k.lower() == "host" for k in hdrs):
        lines.append(f"Host: {host}")
    if body and not any(k.lower() in ("content-length", "transfer-encoding") for k in hdrs):
        hdrs["Content-Length"] = str(len(body))
    lines += [f"{k}: {v}" for k, v in hdrs.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
