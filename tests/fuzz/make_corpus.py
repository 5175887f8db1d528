#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/ (committed).

Seeds come from the botocore models in api/models/ (one or two requests per operation, with
every required member, or every member, set to a value of the right shape) and from the
request shapes the integration tests send through botocore (headers, percent-encoded ARNs,
keep-alive). Re-run after the models or the operation table change:

    python3 tests/fuzz/make_corpus.py
"""

import base64
import hashlib
import json
import os
import re
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CORPUS = os.path.join(HERE, "corpus")


def operation_order():
    """Operation names in the order of model::Operations() (the generated table)."""
    text = open(os.path.join(ROOT, "api", "generated", "model_tables.cpp")).read()
    return re.findall(r'\{Op::k\w+, Service::k\w+, "(\w+)"', text)


def load_models():
    ops, shapes = {}, {}
    for name in ("chime-sdk-messaging", "chime-sdk-identity"):
        m = json.load(open(os.path.join(ROOT, "api", "models", f"{name}.service-2.json")))
        for op_name, op in m["operations"].items():
            ops.setdefault(op_name, (op, m["shapes"]))
    return ops


def arn_placeholder(member):
    n = member.lower()
    for key, ph in (("appinstancearn", "${app}"), ("channelarn", "${channel}"), ("admin", "${admin}"),
                    ("bot", "${bot}"), ("resourcearn", "${channel}")):
        if key in n:
            return ph
    return "${user}"


def value(shapes, shape_name, member, full, depth=0):
    s = shapes[shape_name]
    t = s["type"]
    if t == "structure":
        out = {}
        for mname, m in s.get("members", {}).items():
            if "location" in m:
                continue
            if full and depth < 4 or mname in s.get("required", []):
                out[mname] = value(shapes, m["shape"], mname, full, depth + 1)
        return out
    if t == "list":
        return [value(shapes, s["member"]["shape"], member, full, depth + 1)]
    if t == "map":
        return {"key": value(shapes, s["value"]["shape"], member, full, depth + 1)}
    if t in ("integer", "long"):
        return s.get("min", 1)
    if t == "boolean":
        return True
    if t == "timestamp":
        return 1700000000.5
    if "enum" in s:
        return s["enum"][0]
    if s.get("pattern", "").startswith("arn:") or shape_name.endswith("Arn"):
        if "lex" in s.get("pattern", ""):
            return "arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/ABCDEFGHIJ"
        if "lambda" in s.get("pattern", ""):
            return "arn:aws:lambda:us-east-1:123456789012:function:f"
        return arn_placeholder(member)
    if member == "MessageId":
        return "${message}"
    if member == "ClientRequestToken":
        return "token-1"
    return "v" * max(int(s.get("min", 1)), 1)


def query_string(op, shapes, full):
    inp = op.get("input")
    if not inp:
        return ""
    s = shapes[inp["shape"]]
    parts = []
    for mname, m in s.get("members", {}).items():
        if m.get("location") != "querystring":
            continue
        if not full and mname not in s.get("required", []):
            continue
        sh = shapes[m["shape"]]
        if sh["type"] == "timestamp":
            v = "2024-08-07T12:00:00.000Z"
        else:
            v = value(shapes, m["shape"], mname, full)
        if isinstance(v, bool):
            v = "true" if v else "false"
        parts.append(f"{m['locationName']}={urllib.parse.quote(str(v), safe='${}')}")
    return "&".join(parts)


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def operation_seeds(order, ops):
    for index, name in enumerate(order):
        op, shapes = ops[name]
        for full, flags_bearer in ((False, 1), (True, 2)):
            body = value(shapes, op["input"]["shape"], "", full) if op.get("input") else {}
            query = query_string(op, shapes, full)
            flags = flags_bearer | (8 if query else 0)
            rest = (query + "\n" if query else "") + json.dumps(body, separators=(",", ":"))
            write("operation", f"{name}-{'all' if full else 'required'}",
                  bytes([index, flags]) + rest.encode())


BOTO_HEADERS = (
    "Accept-Encoding: identity\r\n"
    "x-amz-chime-bearer: arn:aws:chime:us-east-1:123456789012:app-instance/abc/user/u1\r\n"
    "User-Agent: Boto3/1.43.11 Python/3.11.7 Linux/6.1 Botocore/1.43.11\r\n"
    "Host: 127.0.0.1:4590\r\n"
    "X-Amz-Date: 20261125T000220Z\r\n"
    "Authorization: AWS4-HMAC-SHA256 Credential=x/20261125/us-east-1/chime/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=0\r\n"
    "amz-sdk-invocation-id: 4f1b1f7e-6a4e-4f44-8d2f-0d6a2a0a0a0a\r\n"
    "amz-sdk-request: attempt=1\r\n")
CHANNEL = urllib.parse.quote("arn:aws:chime:us-east-1:123456789012:app-instance/abc/channel/c1", safe="")


def http_request(method, path, body=b"", extra=""):
    head = f"{method} {path} HTTP/1.1\r\n{BOTO_HEADERS}{extra}"
    if body or method in ("POST", "PUT"):
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


def http_seeds(order, ops):
    send = b'{"Content":"hi","Type":"STANDARD","Persistence":"PERSISTENT","ClientRequestToken":"t1"}'
    seeds = {
        "send": http_request("POST", f"/channels/{CHANNEL}/messages", send),
        "list-query": http_request("GET", f"/channels/{CHANNEL}/messages?max-results=2&sort-order=ASCENDING"
                                   "&not-before=2024-08-07T12%3A00%3A00Z"),
        "health-head": b"HEAD /_chime-local/health HTTP/1.1\r\nHost: x\r\n\r\n",
        "health-http10": b"GET /_chime-local/health HTTP/1.0\r\n\r\n",
        "pipelined": http_request("GET", "/_chime-local/health") + http_request("POST", "/app-instances",
                                                                             b'{"Name":"a"}'),
        "chunked": (f"POST /channels/{CHANNEL}/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    "Content-Type: application/json\r\n\r\n").encode()
                   + b"%x\r\n%s\r\n0\r\n\r\n" % (len(send), send),
        "expect-continue": http_request("POST", "/app-instances", b'{"Name":"a","ClientRequestToken":"t"}',
                                        "Expect: 100-continue\r\n"),
        "close": http_request("GET", "/app-instances?max-results=1", extra="Connection: close\r\n"),
        "cl-and-te": (b"POST /app-instances HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        "js-sdk": (f"POST /channels/{CHANNEL}/messages HTTP/1.1\r\n"
                   "x-amz-chime-bearer: arn:aws:chime:us-east-1:123456789012:app-instance/abc/user/u1\r\n"
                   "content-type: application/json\r\nx-amz-content-sha256: 0\r\nConnection: keep-alive\r\n"
                   f"content-length: {len(send)}\r\n\r\n").encode() + send,
    }
    for name, data in seeds.items():
        write("http_framing", name, b"\x00" + data)
    # Small reads exercise the parser's incremental paths.
    write("http_framing", "send-by-7-bytes", b"\x07" + seeds["send"])
    write("http_framing", "chunked-by-1-byte", b"\x01" + seeds["chunked"])


def token(scope, key, tie):
    fp = hashlib.sha256(f"{scope}|{key}|{tie}".encode()).hexdigest()[:12]
    raw = f"v1|{fp}|{key}|{tie}".encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=")


def small_seeds():
    for i, (scope, key, tie) in enumerate([("ListChannelMessages|c1|DESC", 1723046400000, 17),
                                           ("ListChannels|app", -5, 0), ("", 0, 0)]):
        write("pagination", f"token-{i}", scope.encode() + b"\n" + token(scope, key, tie))
    for i, t in enumerate(["2024-08-07T12:00:00Z", "2024-08-07T12:00:00.123Z", "2024-08-07T12:00:00.123456+05:30",
                           "2024-02-29T23:59:60-00:00", "1723046400", "1723046400.5", "-1", "0001-01-01t00:00:00z"]):
        write("timestamp", f"ts-{i}", t.encode())
    for i, a in enumerate(["arn:aws:chime:us-east-1:123456789012:app-instance/abc",
                           "arn:aws:chime:us-east-1:123456789012:app-instance/abc/user/u:1",
                           "arn:aws:chime:us-east-1:123456789012:app-instance/abc/channel/c1",
                           "arn:aws:lambda:us-east-1:123456789012:function:f:1",
                           "arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/ABCDEFGHIJ",
                           "Greeting_Intent", "a.b@c-d:e", "caf\u00e9 \U0001F600\n", "<xml>&amp;</xml>"]):
        write("arn_patterns", f"value-{i}", a.encode())
    # Byte 0 even: an Authorization header; odd: the presigned query of /connect.
    scope = "AKIDEXAMPLE/20261128/us-east-1/chime/aws4_request"
    other = "Credential=222222222222/20261128/us-east-1/chime/aws4_request"
    rest = "SignedHeaders=host;x-amz-date, Signature=ac5837663c96dacfed8d065895e4923ad792d8cca83214b973c39c22b7bbdf90"
    headers = [f"AWS4-HMAC-SHA256 Credential={scope}, {rest}",
               f"AWS4-HMAC-SHA256 X={other}, Credential={scope}, {rest}",
               f"AWS4-HMAC-SHA256 {other}, Credential={scope}, {rest}", "AWS4-HMAC-SHA256 Credential=a,,",
               f"AWS4-HMAC-SHA256 Credential={scope},SignedHeaders=host,Signature=", "Bearer abc"]
    for i, h in enumerate(headers):
        write("sigv4_claim", f"header-{i}", b"\x00" + h.encode())
    query = ("sessionId=42&userArn=arn%3Aaws%3Achime%3Aus-east-1%3A123456789012%3Aapp-instance%2Fapp%2Fuser%2Fu1"
             "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + urllib.parse.quote(scope, safe="") +
             "&X-Amz-Date=20261128T001500Z&X-Amz-Expires=10&X-Amz-SignedHeaders=host"
             "&X-Amz-Signature=10950f22fa3d309d6ead10225080bcafb4b91af8c424c2c2c87eeb4608d7c9b3")
    for i, q in enumerate([query, query.replace("Expires=10", "Expires=604801"),
                           query + "&X-Amz-%43redential=" + urllib.parse.quote(other[11:], safe=""),
                           query.replace("Expires=10", "Expires=-1"), "sessionId=1&X-Amz-Credential=%zz"]):
        write("sigv4_claim", f"query-{i}", b"\x01" + q.encode())


def seed_document_seeds():
    """Seed documents (fuzz_seed): byte 0 is the flags (bit0 apply, bit1 nesting count follows)."""
    app_id = "00000000-0000-4000-8000-000000000001"
    app = f"arn:aws:chime:us-east-1:123456789012:app-instance/{app_id}"
    alice, bob = f"{app}/user/alice", f"{app}/user/bob"
    channel = f"{app}/channel/general"
    expiring = {"ExpirationDays": 5475, "ExpirationCriterion": "CREATED_TIMESTAMP"}
    full = {
        "AppInstances": [{"Name": "app", "AppInstanceId": app_id, "Tags": [{"Key": "k", "Value": "v"}]}],
        "AppInstanceUsers": [{"AppInstanceArn": app, "AppInstanceUserId": u, "Name": u, "ExpirationSettings": expiring}
                             for u in ("alice", "bob")],
        "AppInstanceBots": [{"AppInstanceArn": app, "Name": "bot", "Configuration": {"Lex": {
            "RespondsTo": "STANDARD_MESSAGES", "LocaleId": "en_US",
            "LexBotAliasArn": "arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/KLMNOPQRST"}}}],
        "AppInstanceAdmins": [{"AppInstanceArn": app, "AppInstanceAdminArn": bob}],
        "Channels": [{"AppInstanceArn": app, "Name": "General", "ChannelId": "general", "Mode": "RESTRICTED",
                      "ChimeBearer": alice, "ExpirationSettings": expiring}],
        "ChannelMemberships": [{"ChannelArn": channel, "MemberArn": bob, "Type": "DEFAULT", "ChimeBearer": alice}],
        "ChannelModerators": [{"ChannelArn": channel, "ChannelModeratorArn": bob, "ChimeBearer": alice}],
        "ChannelBans": [],
        "ChannelMessages": [{"ChannelArn": channel, "Content": "hi", "Type": "STANDARD", "Persistence": "PERSISTENT",
                             "ChimeBearer": alice, "MessageId": "1" * 64}],
    }
    on_seeded = {
        "Channels": [{"AppInstanceArn": "${app}", "Name": "c", "ChimeBearer": "${admin}"}],
        "ChannelMessages": [{"ChannelArn": "${channel}", "Content": "x", "Type": "STANDARD",
                             "Persistence": "NON_PERSISTENT", "ChimeBearer": "${admin}"}],
    }
    docs = {
        "empty": (0, {}),
        "full-parse": (0, full),
        "full-apply": (1, full),
        "on-seeded-store": (1, on_seeded),
        "tenant": (1, {"AccountId": "111122223333", "Region": "eu-west-1", "AppInstances": [{"Name": "t"}]}),
        "days-out-of-range": (1, {"Channels": [{"AppInstanceArn": "${app}", "Name": "c", "ChimeBearer": "${admin}",
                                                "ExpirationSettings": {"ExpirationDays": 4611686018427387904,
                                                                       "ExpirationCriterion": "CREATED_TIMESTAMP"}}]}),
        "unknown-member": (0, {"AppInstances": [{"Name": "a", "Tags": [{"Key": "k", "Vaule": "v"}]}]}),
    }
    for name, (flags, doc) in docs.items():
        write("seed", name, bytes([flags]) + json.dumps(doc, separators=(",", ":")).encode())
    # Nesting just inside and just outside the bound (N is 24-bit little-endian after byte 0).
    for name, n in (("nested-at-bound", 61), ("nested-past-bound", 64)):
        write("seed", name, bytes([3]) + n.to_bytes(3, "little") + b'{"AppInstances":[{"Name":"a","Tags":@@}]}')


def clear_generated_seeds():
    """Removes the seeds this script writes; keeps regression-* files (inputs that once
    crashed a target, committed by hand so every CI run replays them)."""
    for directory, _, files in os.walk(CORPUS):
        for name in files:
            if not name.startswith("regression-"):
                os.remove(os.path.join(directory, name))


def main():
    clear_generated_seeds()
    order = operation_order()
    ops = load_models()
    operation_seeds(order, ops)
    http_seeds(order, ops)
    small_seeds()
    seed_document_seeds()
    n = sum(len(files) for _, _, files in os.walk(CORPUS))
    print(f"wrote {n} seeds under {os.path.relpath(CORPUS, ROOT)}")


if __name__ == "__main__":
    main()
