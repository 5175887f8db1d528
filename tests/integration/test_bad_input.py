"""The bad-input battery (issue 9): raw-socket requests of every class of malformed input.
After each one the server must still be alive and must have answered with the right AWS error
(status + x-amzn-ErrorType), never a crash, a hang or a silently mis-framed request.

Also the defects of issue 9 seen from a socket: deeply nested JSON (1), request smuggling (2),
out-of-range timestamps (5) and slot exhaustion (6).
"""

import json
import socket
import threading
import time
import unittest

from harness import ChimeTestCase, quote_arn, unique_name
from raw_http import connect, exchange, parse_responses, read_until_closed, request_bytes


class BadInputBase(ChimeTestCase):
    def tearDown(self):
        # The server survives every test of the battery and still answers.
        status, body = self.server.health()
        self.assertEqual(status, 200, body)
        super().tearDown()

    @property
    def port(self):
        return self.server.port

    def send(self, data: bytes, **kw):
        return exchange(self.port, data, **kw)

    def assertAwsError(self, response, status: int, error_type: str, message_part: str | None = None):
        self.assertEqual(response.status, status, response)
        self.assertEqual(response.error_type, error_type, response)
        self.assertTrue(response.headers.get("x-amzn-requestid"), response.headers)
        body = response.json()
        self.assertEqual(body["Code"], error_type.removesuffix("Exception"), body)
        if message_part is not None:
            self.assertIn(message_part, body["Message"])
        return body

    def one(self, data: bytes, **kw):
        responses, closed = self.send(data, **kw)
        self.assertEqual(len(responses), 1, responses)
        return responses[0], closed

    def app_names(self):
        return {a["Name"] for a in self.identity.list_app_instances(MaxResults=50).get("AppInstances", [])}


class JsonBodyTests(BadInputBase):
    def test_invalid_json(self):
        for body in (b"{", b"{\"Name\": }", b"nul", b"{\"Name\":\"a\"} trailing", b"{\"Name\":\"a\",}"):
            r, _ = self.one(request_bytes("POST", "/app-instances", body,
                                          {"Content-Type": "application/json"}))
            self.assertAwsError(r, 400, "BadRequestException", "not valid JSON")

    def test_body_not_an_object(self):
        r, _ = self.one(request_bytes("POST", "/app-instances", b"[1,2]", {"Content-Type": "application/json"}))
        self.assertAwsError(r, 400, "BadRequestException", "must be a JSON object")

    def test_wrong_types(self):
        for body, where in (({"Name": 5}, "Name"), ({"Name": "a", "Tags": "x"}, "Tags"),
                            ({"Name": "a", "Tags": [{"Key": 1, "Value": "v"}]}, "Tags[0].Key"),
                            ({"Name": ["a"]}, "Name")):
            r, _ = self.one(request_bytes("POST", "/app-instances", json.dumps(body),
                                          {"Content-Type": "application/json"}))
            self.assertAwsError(r, 400, "BadRequestException", where)

    # Issue 9 defect 1: before the fix this killed the process (stack overflow in a recursive dump).
    def test_deeply_nested_json_in_open_members(self):
        deep = "[" * 65000 + "]" * 65000
        bodies = [
            '{"Name":"deep","Tags":[{"Key":"k","Value":"v","X":%s}]}' % deep,
            '{"Name":"deep","Tags":[%s]}' % deep,
            '{"Name":"deep","Metadata":%s}' % deep,
            '{"Name":"deep","Unknown":%s}' % deep,
        ]
        for body in bodies:
            self.assertLess(len(body), 1024 * 1024)
            r, _ = self.one(request_bytes("POST", "/app-instances", body, {"Content-Type": "application/json"}))
            self.assertAwsError(r, 400, "BadRequestException", "nested deeper than 64")
        # Also with a bearer, in MessageAttributes.
        app = self.make_app_instance()
        user = self.make_user(app)
        channel = self.make_channel(app, user)
        body = ('{"Content":"x","Type":"STANDARD","Persistence":"PERSISTENT","MessageAttributes":'
                '{"a":{"StringValues":[%s]}}}' % deep)
        r, _ = self.one(request_bytes("POST", f"/channels/{quote_arn(channel)}/messages", body,
                                      {"Content-Type": "application/json", "x-amz-chime-bearer": user}))
        self.assertAwsError(r, 400, "BadRequestException", "nested deeper than 64")

    def test_nesting_within_the_bound_in_unknown_members_is_ignored(self):
        name = unique_name("nest")
        body = '{"Name":"%s","ClientRequestToken":"t-%s","Tags":[{"Key":"k","Value":"v","X":%s}]}' % (
            name, name, "[" * 50 + "]" * 50)
        r, _ = self.one(request_bytes("POST", "/app-instances", body, {"Content-Type": "application/json"}))
        self.assertEqual(r.status, 201, r)

    def test_huge_numbers(self):
        app = self.make_app_instance()
        user = self.make_user(app)
        for value in ("1e400", "-1e400", "123456789012345678901234567890", "1.5"):
            body = '{"AppInstanceArn":"%s","Name":"n","ExpirationSettings":{"ExpirationDays":%s,' \
                   '"ExpirationCriterion":"CREATED_TIMESTAMP"}}' % (app, value)
            r, _ = self.one(request_bytes("POST", "/channels", body, {"Content-Type": "application/json",
                                                                     "x-amz-chime-bearer": user}))
            self.assertAwsError(r, 400, "BadRequestException")
        for value in ("99999999999999999999", "-1", "1e3", "abc"):
            r, _ = self.one(request_bytes("GET", f"/app-instances?max-results={value}"))
            self.assertAwsError(r, 400, "BadRequestException", "max-results" if value != "-1" else None)

    # Issue 9 defect 5: before the fix the filter silently vanished (200 with every message).
    def test_timestamps_out_of_range(self):
        app = self.make_app_instance()
        user = self.make_user(app)
        channel = self.make_channel(app, user)
        for value in ("1e16", "1e300", "-1e300", "1e400"):
            r, _ = self.one(request_bytes(
                "GET", f"/channels/{quote_arn(channel)}/messages?not-before={value}",
                headers={"x-amz-chime-bearer": user}))
            self.assertAwsError(r, 400, "BadRequestException", "out of range")

    def test_invalid_utf8_in_body(self):
        for body in (b'{"Name":"\xff\xfe"}', b'{"Name":"a\xc3"}', b'{"Name":"\xed\xa0\x80"}'):
            r, _ = self.one(request_bytes("POST", "/app-instances", body, {"Content-Type": "application/json"}))
            self.assertAwsError(r, 400, "BadRequestException")


class TargetAndHeaderTests(BadInputBase):
    def test_invalid_utf8_and_controls_in_header_values(self):
        app = self.make_app_instance()
        for bearer in (b"arn:aws:chime:us-east-1:123456789012:app-instance/x/user/\xff\xfe", b"\xc3\x28"):
            data = (b"GET /channels?app-instance-arn=" + quote_arn(app).encode() +
                    b" HTTP/1.1\r\nHost: 127.0.0.1\r\nx-amz-chime-bearer: " + bearer + b"\r\n\r\n")
            r, _ = self.one(data)
            self.assertIn(r.status, (400, 401), r)
            self.assertIn(r.error_type, ("BadRequestException", "UnauthorizedClientException"), r)
        r, closed = self.one(b"GET /_chime-local/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX: a\x01b\r\n\r\n")
        self.assertAwsError(r, 400, "BadRequestException", "control character")
        self.assertTrue(closed)

    def test_invalid_utf8_and_bad_percent_encoding_in_path(self):
        for path in (b"/app-instances/%FF%FE", b"/app-instances/%C3%28", b"/app-instances/\xff",
                     b"/app-instances/%zz", b"/app-instances/%", b"/app-instances/%4", b"/channels?max-results=%zz"):
            r, _ = self.one(b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            self.assertIn(r.status, (400, 403, 404), r)
            self.assertIn(r.error_type, ("BadRequestException", "NotFoundException", "ForbiddenException"), r)
            self.assertTrue(r.json()["Message"])

    def test_not_http(self):
        # (Bytes that start like a TLS record go to the HTTPS/WSS side of the same port:
        # test_tls_garbage_is_closed_without_harm.)
        for data in (b"HELLO\r\n\r\n", b"GET / HTTP/9.9\r\nHost: a\r\n\r\n",
                     b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n"):
            r, closed = self.one(data)
            self.assertAwsError(r, 400, "BadRequestException", "Malformed HTTP request")
            self.assertTrue(closed)

    def test_tls_garbage_is_closed_without_harm(self):
        # A truncated TLS ClientHello: no HTTP answer (the TLS side waits for the rest of the
        # record, bounded by the header timeout, then closes), and the server lives on.
        responses, _ = self.send(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\r\n\r\n")
        self.assertEqual(responses, [])
        self.assertEqual(self.server.health()[0], 200)

    def test_http10_without_host_is_served_and_http11_without_host_is_not(self):
        r, closed = self.one(b"GET /_chime-local/health HTTP/1.0\r\n\r\n")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(closed)  # HTTP/1.0 without keep-alive
        r, closed = self.one(b"GET /_chime-local/health HTTP/1.1\r\n\r\n")
        self.assertAwsError(r, 400, "BadRequestException", "Missing Host")
        r, _ = self.one(b"GET /_chime-local/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
        self.assertAwsError(r, 400, "BadRequestException", "More than one Host")

    def test_obs_fold_and_whitespace_before_colon(self):
        for data in (b"GET /_chime-local/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: 1\r\n 2\r\n\r\n",
                     b"GET /_chime-local/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A : 1\r\n\r\n",
                     b"GET /_chime-local/health HTTP/1.1\nHost: 127.0.0.1\n\n"):
            r, closed = self.one(data)
            self.assertAwsError(r, 400, "BadRequestException", "Malformed HTTP request")
            self.assertTrue(closed)

    def test_pipelined_requests_are_answered_in_order(self):
        name = unique_name("pipe")
        data = (request_bytes("GET", "/_chime-local/health") + b"\r\n" +  # a stray CRLF is ignored
                request_bytes("POST", "/app-instances", json.dumps({"Name": name, "ClientRequestToken": unique_name("tok")}),
                              {"Content-Type": "application/json"}) +
                request_bytes("GET", "/no-such-route") +
                request_bytes("GET", "/_chime-local/health", headers={"Connection": "close"}))
        responses, closed = self.send(data)
        self.assertEqual([r.status for r in responses], [200, 201, 404, 200], responses)
        self.assertEqual(responses[2].error_type, "NotFoundException")
        self.assertTrue(closed)
        self.assertIn(name, self.app_names())


class FramingTests(BadInputBase):
    """Issue 9 defect 2: a body that hides a second request must never run as one."""

    def hidden_request(self, name):
        return request_bytes("POST", "/app-instances", json.dumps({"Name": name, "ClientRequestToken": unique_name("tok")}),
                             {"Content-Type": "application/json"})

    def assertSmugglingRefused(self, head: bytes, body: bytes, name: str, reason: str):
        responses, closed = self.send(head + body)
        self.assertEqual(len(responses), 1, f"{head!r}: {responses}")
        self.assertAwsError(responses[0], 400, "BadRequestException", reason)
        self.assertTrue(closed, head)
        self.assertNotIn(name, self.app_names(), f"the hidden request ran: {head!r}")

    def test_transfer_encodings_that_do_not_end_in_chunked(self):
        for te in ("xchunked", "identity", "chunked, gzip", "chunked, chunked", "gzip, chunked", "chunked;x=1"):
            name = unique_name("smuggled")
            hidden = self.hidden_request(name)
            head = (f"POST /_chime-local/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Transfer-Encoding: {te}\r\n\r\n").encode()
            self.assertSmugglingRefused(head, hidden, name, "Transfer-Encoding")

    def test_transfer_encoding_split_over_two_fields(self):
        name = unique_name("smuggled")
        head = (b"POST /_chime-local/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n")
        self.assertSmugglingRefused(head, self.hidden_request(name), name, "Transfer-Encoding")

    def test_content_length_with_transfer_encoding(self):
        name = unique_name("smuggled")
        hidden = self.hidden_request(name)
        chunked = b"0\r\n\r\n" + hidden
        for order in ((b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"),
                      (b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"),
                      (b"Content-Length: 5\r\nTransfer-Encoding: xchunked\r\n")):
            head = b"POST /_chime-local/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + order + b"\r\n"
            self.assertSmugglingRefused(head, chunked, name, "")

    def test_duplicate_and_list_content_lengths(self):
        name = unique_name("smuggled")
        hidden = self.hidden_request(name)
        for cl in (b"Content-Length: 0\r\nContent-Length: 0\r\n", b"Content-Length: 0\r\nContent-Length: 5\r\n",
                   b"Content-Length: 0, 0\r\n", b"Content-Length: +0\r\n", b"Content-Length: 0x0\r\n"):
            head = b"POST /_chime-local/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + cl + b"\r\n"
            self.assertSmugglingRefused(head, hidden, name, "Content-Length")

    def test_transfer_encoding_in_http10(self):
        name = unique_name("smuggled")
        head = b"POST /_chime-local/health HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
        self.assertSmugglingRefused(head, b"0\r\n\r\n" + self.hidden_request(name), name, "HTTP/1.0")

    def test_obs_fold_cannot_hide_a_transfer_encoding(self):
        name = unique_name("smuggled")
        head = b"POST /_chime-local/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX: y\r\n Transfer-Encoding: chunked\r\n\r\n"
        self.assertSmugglingRefused(head, self.hidden_request(name), name, "obs-fold")

    def test_hidden_reset_does_not_run(self):
        name = unique_name("survivor")
        self.make_app_instance(name)
        head = b"POST /_chime-local/health HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: xchunked\r\n\r\n"
        responses, closed = self.send(head + request_bytes("POST", "/_chime-local/reset"))
        self.assertEqual([r.status for r in responses], [400])
        self.assertIn(name, self.app_names())

    def test_valid_chunked_body_is_accepted(self):
        name = unique_name("chunked")
        body = json.dumps({"Name": name, "ClientRequestToken": unique_name("tok")}).encode()
        data = (b"POST /app-instances HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
                b"%x\r\n" % 5 + body[:5] + b"\r\n" + b"%x\r\n" % (len(body) - 5) + body[5:] + b"\r\n0\r\n\r\n")
        r, _ = self.one(data)
        self.assertEqual(r.status, 201, r)
        self.assertIn(name, self.app_names())

    def test_bad_chunked_encoding(self):
        for chunks in (b"zz\r\nabc\r\n0\r\n\r\n", b"3\r\nabcdef\r\n0\r\n\r\n", b"3 x\r\nabc\r\n0\r\n\r\n",
                       b"-1\r\nabc\r\n0\r\n\r\n", b"fffffffffffffffffff\r\nabc\r\n0\r\n\r\n"):
            data = (b"POST /app-instances HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n" + chunks)
            responses, closed = self.send(data)
            self.assertEqual(len(responses), 1, f"{chunks!r}: {responses}")
            self.assertIn(responses[0].status, (400, 413), responses)
            self.assertEqual(responses[0].error_type, "BadRequestException")
            self.assertTrue(closed)


class LimitTests(BadInputBase):
    server_args = ("--max-header-bytes", "2048", "--max-body-bytes", "4096", "--header-timeout", "1")

    def test_over_long_head(self):
        r, closed = self.one(b"GET /_chime-local/health HTTP/1.1\r\nHost: a\r\nX-Big: " + b"a" * 4000 + b"\r\n\r\n")
        self.assertAwsError(r, 431, "BadRequestException", "2048")
        self.assertTrue(closed)
        r, closed = self.one(b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: a\r\n\r\n")
        self.assertAwsError(r, 431, "BadRequestException")

    def test_over_long_body(self):
        body = json.dumps({"Name": "a" * 5000})
        r, closed = self.one(request_bytes("POST", "/app-instances", body, {"Content-Type": "application/json"}))
        self.assertAwsError(r, 413, "BadRequestException", "4096")
        self.assertTrue(closed)
        r, closed = self.one(request_bytes("POST", "/app-instances", "{}", {"Content-Length": "99999999999"}))
        self.assertAwsError(r, 413, "BadRequestException")

    # Issue 9 defect 6: the head has its own deadline (here 1 s), answered 408.
    def test_slow_head_gets_408_after_the_header_timeout(self):
        with connect(self.port) as s:
            start = time.monotonic()
            s.sendall(b"GET /_chime-local/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            raw, closed = read_until_closed(s, quiet=5)
            took = time.monotonic() - start
        responses, _ = parse_responses(raw)
        self.assertEqual(len(responses), 1, raw)
        self.assertAwsError(responses[0], 408, "BadRequestException", "did not arrive within 1 s")
        self.assertTrue(closed)
        self.assertLess(took, 4)

    def test_silent_connection_is_closed_after_the_header_timeout(self):
        with connect(self.port) as s:
            start = time.monotonic()
            raw, closed = read_until_closed(s, quiet=5)
            took = time.monotonic() - start
        self.assertEqual(raw, b"")
        self.assertTrue(closed)
        self.assertLess(took, 4)


class SlotExhaustionTests(BadInputBase):
    """Issue 9 defect 6: before, 512 slow connections locked everyone out for 60 s, and beyond 64
    pending rejections new connections were closed without a 503."""

    server_args = ("--max-connections", "4", "--header-timeout", "3", "--idle-timeout", "60")

    def test_idle_connections_make_room_for_new_ones(self):
        idle = [connect(self.port) for _ in range(8)]
        try:
            time.sleep(0.2)
            t0 = time.monotonic()
            r, _ = self.one(request_bytes("GET", "/_chime-local/health", headers={"Connection": "close"}))
            self.assertEqual(r.status, 200, r)
            self.assertLess(time.monotonic() - t0, 2)
        finally:
            for s in idle:
                s.close()

    def test_busy_slots_answer_503_to_every_newcomer(self):
        busy = []
        try:
            for _ in range(4):  # half-sent heads: busy, not idle
                s = connect(self.port)
                s.sendall(b"GET /_chime-local/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                busy.append(s)
            time.sleep(0.3)
            results = []
            lock = threading.Lock()

            def newcomer():
                try:
                    with connect(self.port) as s:
                        s.sendall(request_bytes("GET", "/_chime-local/health"))
                        raw, _ = read_until_closed(s, quiet=3)
                    responses, _ = parse_responses(raw)
                    status = responses[0].status if responses else None
                except OSError as e:
                    status = repr(e)
                with lock:
                    results.append(status)

            threads = [threading.Thread(target=newcomer) for _ in range(300)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            self.assertEqual(len(results), 300)
            not_503 = [r for r in results if r != 503]
            self.assertEqual(not_503, [], f"{len(not_503)} newcomers got no 503: {not_503[:5]}")
        finally:
            for s in busy:
                s.close()
        # Once the slow heads are gone, service resumes.
        time.sleep(0.5)
        r, _ = self.one(request_bytes("GET", "/_chime-local/health", headers={"Connection": "close"}))
        self.assertEqual(r.status, 200)


if __name__ == "__main__":
    unittest.main()
