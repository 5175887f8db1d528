"""Issue 9 defect 3: cross-site writes and DNS rebinding, over a raw socket.

A web page can POST text/plain (a "simple" request, no preflight) to the emulator, and a page
on a rebinding domain can read the answers. Requests that carry an Origin but needed no
preflight are refused everywhere; /_chime-local/ refuses every Origin unless allowed with
--control-origins; the Host header must name the emulator.
"""

import json
import unittest

from harness import ChimeTestCase, unique_name
from raw_http import exchange, request_bytes

FORM_HEADERS = {"Origin": "https://evil.example", "Content-Type": "text/plain;charset=UTF-8",
                "Accept": "*/*", "User-Agent": "Mozilla/5.0", "Sec-Fetch-Mode": "no-cors",
                "Sec-Fetch-Site": "cross-site", "Referer": "https://evil.example/page"}
SDK_HEADERS = {"Content-Type": "application/json", "X-Amz-Date": "20240101T000000Z",
               "Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/chime/aws4_request"}


class CrossSiteBase(ChimeTestCase):
    def one(self, data: bytes):
        responses, _ = exchange(self.server.port, data)
        self.assertEqual(len(responses), 1, responses)
        return responses[0]

    def app_names(self):
        return {a["Name"] for a in self.identity.list_app_instances(MaxResults=50).get("AppInstances", [])}

    def assertForbidden(self, r, text):
        self.assertEqual(r.status, 403, r)
        self.assertEqual(r.error_type, "ForbiddenException", r)
        self.assertEqual(r.json()["Code"], "Forbidden")
        self.assertIn(text, r.json()["Message"])


class LoopbackDefaultTests(CrossSiteBase):
    def test_form_post_to_reset_is_refused_and_nothing_is_wiped(self):
        name = unique_name("keep")
        self.make_app_instance(name)
        r = self.one(request_bytes("POST", "/_chime-local/reset", "x", FORM_HEADERS))
        self.assertForbidden(r, "Cross-site request refused")
        self.assertIn(name, self.app_names())

    def test_form_post_to_an_aws_write_is_refused(self):
        name = unique_name("evil")
        r = self.one(request_bytes("POST", "/app-instances", json.dumps({"Name": name, "ClientRequestToken": unique_name("tok")}), FORM_HEADERS))
        self.assertForbidden(r, "Cross-site request refused")
        urlencoded = dict(FORM_HEADERS, **{"Content-Type": "application/x-www-form-urlencoded"})
        r = self.one(request_bytes("POST", "/app-instances", json.dumps({"Name": name, "ClientRequestToken": unique_name("tok")}), urlencoded))
        self.assertForbidden(r, "Cross-site request refused")
        self.assertNotIn(name, self.app_names())

    def test_simple_get_with_an_origin_is_refused(self):
        r = self.one(request_bytes("GET", "/_chime-local/health", headers={"Origin": "http://localhost:3000"}))
        self.assertForbidden(r, "Cross-site request refused")

    def test_sdk_request_from_a_browser_app_passes_on_aws_routes(self):
        name = unique_name("browser")
        headers = dict(SDK_HEADERS, Origin="http://localhost:3000")
        r = self.one(request_bytes("POST", "/app-instances", json.dumps({"Name": name, "ClientRequestToken": unique_name("tok")}), headers))
        self.assertEqual(r.status, 201, r)
        self.assertIn(name, self.app_names())

    def test_preflight_options_is_not_blocked(self):
        r = self.one(request_bytes("OPTIONS", "/app-instances", headers={
            "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-amz-date,authorization"}))
        self.assertNotEqual(r.status, 403, r)

    def test_control_endpoints_refuse_foreign_origins_even_when_preflighted(self):
        name = unique_name("keep")
        self.make_app_instance(name)
        headers = {"Origin": "http://localhost:3000", "Content-Type": "application/json"}
        r = self.one(request_bytes("POST", "/_chime-local/reset", "{}", headers))
        self.assertForbidden(r, "--control-origins http://localhost:3000")
        self.assertIn(name, self.app_names())

    def test_curl_without_origin_still_resets(self):
        name = unique_name("gone")
        self.make_app_instance(name)
        r = self.one(request_bytes("POST", "/_chime-local/reset", headers={"Content-Type": "text/plain",
                                                                            "User-Agent": "curl/7.88.1"}))
        self.assertEqual(r.status, 200, r)
        self.assertNotIn(name, self.app_names())

    def test_dns_rebinding_host_is_refused(self):
        for host in ("evil.example:%d" % self.server.port, "evil.example", "127.0.0.1.nip.io"):
            r = self.one(request_bytes("GET", "/_chime-local/health", host=host))
            self.assertForbidden(r, "DNS rebinding")
        for host in ("localhost:%d" % self.server.port, "127.0.0.1", "[::1]:%d" % self.server.port):
            r = self.one(request_bytes("GET", "/_chime-local/health", host=host))
            self.assertEqual(r.status, 200, (host, r))

    def test_boto3_still_works(self):
        self.make_app_instance()

    def test_cors_allows_loopback_origins_only_by_default(self):
        """Without --cors-origins a dev server on this machine (any loopback origin and port) may
        call the AWS API from a browser; any other page the developer visits may not."""
        def preflight(origin):
            return self.one(request_bytes("OPTIONS", "/app-instances", headers={
                "Origin": origin, "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,x-amz-date,authorization"}))

        for origin in ("http://localhost:5173", "https://127.0.0.1:8443", "http://[::1]:3000"):
            r = preflight(origin)
            self.assertEqual(r.status, 200, (origin, r))
            self.assertEqual(r.headers.get("access-control-allow-origin"), origin)
        r = preflight("https://evil.example")
        self.assertForbidden(r, "--cors-origins https://evil.example")
        self.assertNotIn("access-control-allow-origin", r.headers)

    def test_session_upgrade_allows_loopback_origins_only_by_default(self):
        def upgrade(origin):
            return self.one(request_bytes("GET", "/connect?userArn=x&sessionId=s", headers={
                "Origin": origin, "Upgrade": "websocket", "Connection": "Upgrade",
                "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}))

        self.assertForbidden(upgrade("https://evil.example"), "--cors-origins https://evil.example")


class ControlOriginsTests(CrossSiteBase):
    server_args = ("--control-origins", "http://localhost:3000", "--public-host", "chime.test:4590",
                   "--allowed-hosts", ".dev.example")

    def test_allowed_origin_may_reset_with_a_preflighted_request(self):
        name = unique_name("gone")
        self.make_app_instance(name)
        headers = {"Origin": "http://localhost:3000", "Content-Type": "application/json"}
        r = self.one(request_bytes("POST", "/_chime-local/reset", "{}", headers))
        self.assertEqual(r.status, 200, r)
        self.assertNotIn(name, self.app_names())
        other = dict(headers, Origin="http://localhost:3001")
        self.assertForbidden(self.one(request_bytes("POST", "/_chime-local/reset", "{}", other)),
                             "--control-origins")
        # "whatever origins are allowed": a simple request is still refused.
        self.assertForbidden(self.one(request_bytes("POST", "/_chime-local/reset", "x", {
            "Origin": "http://localhost:3000", "Content-Type": "text/plain"})), "Cross-site request refused")

    def test_public_and_allowed_hosts(self):
        for host in ("chime.test:4590", "chime.test", "a.dev.example", "dev.example:1"):
            r = self.one(request_bytes("GET", "/_chime-local/health", host=host))
            self.assertEqual(r.status, 200, (host, r))
        self.assertForbidden(self.one(request_bytes("GET", "/_chime-local/health", host="evil.example")),
                             "DNS rebinding")


class AllInterfacesTests(CrossSiteBase):
    server_args = ("--host", "0.0.0.0")

    def test_any_host_is_accepted_when_listening_on_all_interfaces(self):
        for host in ("chime-local:4590", "my-laptop.lan", "10.0.0.5"):
            r = self.one(request_bytes("GET", "/_chime-local/health", host=host))
            self.assertEqual(r.status, 200, (host, r))
        # The Origin rules still apply.
        r = self.one(request_bytes("POST", "/_chime-local/reset", "x", FORM_HEADERS))
        self.assertForbidden(r, "Cross-site request refused")


class AllInterfacesNarrowedTests(CrossSiteBase):
    server_args = ("--host", "0.0.0.0", "--allowed-hosts", "chime-local")

    def test_allowed_hosts_narrows_an_all_interfaces_listener(self):
        self.assertEqual(self.one(request_bytes("GET", "/_chime-local/health", host="chime-local:4590")).status, 200)
        self.assertEqual(self.one(request_bytes("GET", "/_chime-local/health", host="localhost")).status, 200)
        self.assertForbidden(self.one(request_bytes("GET", "/_chime-local/health", host="evil.example")),
                             "DNS rebinding")


if __name__ == "__main__":
    unittest.main()
