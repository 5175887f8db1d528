"""A client for chime-local's control plane (`/_chime-local/*`), with the standard library only.

Every method is one HTTP call; the endpoints and their JSON are documented in docs/testing.md.
An answer that is not 2xx raises ControlError with the status and the error type and message
the emulator sent (`x-amzn-ErrorType`, `{"Code", "Message"}`).
"""

from __future__ import annotations

import datetime
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Iterable

PREFIX = "/_chime-local/"


class ControlError(Exception):
    """A control-plane call the emulator refused (or an answer that is not chime-local's)."""

    def __init__(self, status: int, type: str, message: str, method: str = "", path: str = ""):
        self.status, self.type, self.message = status, type, message
        self.method, self.path = method, path
        super().__init__(f"{method} {path}: {status} {type}: {message}".strip())


class Clock:
    """The emulator's test clock (`/_chime-local/clock`): it only moves forward."""

    def __init__(self, control: "Control"):
        self._control = control

    def get(self) -> dict:
        """`{"now": epoch seconds, "offsetSeconds": N}`."""
        return self._control._call("GET", "clock")

    def now(self) -> float:
        return float(self.get()["now"])

    def advance(self, seconds: float) -> dict:
        """Moves the clock forward; the answer's `expired` counts what expired on the way."""
        return self._control._call("POST", "clock", {"advanceSeconds": seconds})

    def set(self, when: "float | datetime.datetime") -> dict:
        """Moves the clock forward to `when` (epoch seconds or an aware datetime)."""
        target = when.timestamp() if isinstance(when, datetime.datetime) else float(when)
        delta = target - self.now()
        if delta < 0:
            raise ValueError(f"the emulator's clock only moves forward: {when} is {-delta:.3f} s in its past "
                             "(reset() first to go back to real time)")
        return self.advance(delta)

    def reset(self) -> dict:
        """Back to real time."""
        return self._control._call("POST", "clock", {"reset": True})


class Control:
    """`Control("http://127.0.0.1:4590")`: health, reset, seed, snapshots, faults, throttling,
    the clock, the request journal, the event log and the channel-flow queue of one emulator."""

    def __init__(self, endpoint: str, timeout: float = 30.0):
        self.endpoint = endpoint.rstrip("/")
        self.timeout = timeout
        self.clock = Clock(self)

    def __repr__(self) -> str:
        return f"Control({self.endpoint!r})"

    # -- transport -------------------------------------------------------------------------

    def _request(self, method: str, name: str, body: Any = None, query: dict | None = None,
                 raw_body: bytes | None = None, accept_status: Iterable[int] = ()) -> tuple:
        path = PREFIX + name
        if query:
            path += "?" + urllib.parse.urlencode(
                {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in query.items() if v is not None})
        data, headers = raw_body, {}
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            data = data.encode() if isinstance(data, str) else data
            headers["Content-Type"] = "application/json"
        elif raw_body is not None:
            headers["Content-Type"] = "application/octet-stream"
        req = urllib.request.Request(self.endpoint + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            payload = e.read()
            if e.code in accept_status:
                return e.code, e.headers, payload
            try:
                doc = json.loads(payload)
            except ValueError:
                doc = {}
            doc = doc if isinstance(doc, dict) else {}
            error_type = e.headers.get("x-amzn-ErrorType") or doc.get("Code") or "HTTPError"
            message = doc.get("Message") or doc.get("message") or payload.decode("utf-8", "replace")[:500]
            raise ControlError(e.code, error_type.split(":")[0], message, method, path) from None

    def _call(self, method: str, name: str, body: Any = None, query: dict | None = None) -> Any:
        _, _, payload = self._request(method, name, body, query)
        return json.loads(payload) if payload else None

    # -- state -----------------------------------------------------------------------------

    def health(self) -> dict:
        """The health document; a degraded emulator (503, `"status": "degraded"`) is returned too."""
        _, _, payload = self._request("GET", "health", accept_status=(503,))
        return json.loads(payload)

    def operations(self) -> dict:
        """Which operations of each service are built (`implemented` / `notImplemented`)."""
        return self._call("GET", "operations")

    def reset(self, app_instance_arn: str | None = None, seed: bool = True, account_id: str | None = None,
              region: str | None = None) -> dict:
        """Deletes every resource, fault rule, journal entry and throttling counter (and re-applies
        `--seed-file` unless seed=False); with app_instance_arn, only that app instance and
        everything under it; with account_id (and region, else the emulator's --region), only
        that tenant's app instances (faults, journal and the rest stay)."""
        if app_instance_arn is not None:
            return self._call("POST", "reset", query={"appInstanceArn": app_instance_arn})
        if account_id is not None:
            query = {"accountId": account_id}
            if region is not None:
                query["region"] = region
            return self._call("POST", "reset", query=query)
        return self._call("POST", "reset", query=None if seed else {"seed": False})

    def seed(self, doc: "dict | str | bytes", if_empty: bool = False) -> dict:
        """Applies a seed (docs/testing.md "Seed files"), all or nothing; returns what it created."""
        return self._call("POST", "seed", doc, query={"ifEmpty": True} if if_empty else None)

    def snapshot(self) -> bytes:
        """The whole store as the bytes of a SQLite database file."""
        return self._request("GET", "snapshot")[2]

    def ca_pem(self) -> bytes:
        """The PEM of the local CA that https:// and wss:// clients must trust."""
        return self._request("GET", "ca.pem")[2]

    def restore(self, data: bytes) -> dict:
        """Replaces the whole store with a snapshot, atomically."""
        _, _, payload = self._request("PUT", "snapshot", raw_body=bytes(data))
        return json.loads(payload)

    # -- faults ----------------------------------------------------------------------------

    def add_fault(self, rule: "dict | list", account_id: str | None = None) -> "dict | list":
        """Adds a rule (the stored rule with its `id`) or a list of rules (all rules, or with
        account_id that account's); with account_id, rules without an "accountId" fault only
        requests acting in that account."""
        answer = self._call("POST", "faults", rule, query={"accountId": account_id} if account_id else None)
        return answer["faults"] if isinstance(rule, list) else answer

    def faults(self, account_id: str | None = None) -> list:
        return self._call("GET", "faults", query={"accountId": account_id} if account_id else None)["faults"]

    def remove_fault(self, rule_id: "int | str | dict") -> None:
        rule_id = rule_id["id"] if isinstance(rule_id, dict) else rule_id
        self._call("DELETE", f"faults/{rule_id}")

    def clear_faults(self, account_id: str | None = None) -> None:
        """Every rule, or one account's."""
        self._call("DELETE", "faults", query={"accountId": account_id} if account_id else None)

    # -- throttling ------------------------------------------------------------------------

    def throttle(self, enabled: bool | None = None, quotas: dict | None = None, reset: bool = False) -> dict:
        """With no argument, the settings; else turns it on/off, sets quota rates, resets them."""
        body: dict = {}
        if enabled is not None:
            body["enabled"] = enabled
        if quotas:
            body["quotas"] = quotas
        if reset:
            body["reset"] = True
        return self._call("POST", "throttle", body) if body else self._call("GET", "throttle")

    # -- journal ---------------------------------------------------------------------------

    def requests(self, operation: str | None = None, status: int | None = None, bearer: str | None = None,
                 channel_arn: str | None = None, since: "float | str | datetime.datetime | None" = None,
                 limit: int | None = None, account_id: str | None = None) -> list:
        """The journaled AWS requests, newest first, filtered as given."""
        if isinstance(since, datetime.datetime):
            since = since.timestamp()
        query = {"operation": operation, "status": status, "bearer": bearer, "channelArn": channel_arn,
                 "since": since, "limit": limit, "accountId": account_id}
        return self._call("GET", "requests", query={k: v for k, v in query.items() if v is not None})["requests"]

    def clear_requests(self, account_id: str | None = None) -> None:
        """Every journal entry, or one account's."""
        self._call("DELETE", "requests", query={"accountId": account_id} if account_id else None)

    # -- events ----------------------------------------------------------------------------

    def events(self, channel_arn: str | None = None, member_arn: str | None = None,
               event_type: "str | Iterable[str] | None" = None, after: int | None = None,
               account_id: str | None = None, limit: int | None = None, wait_ms: int | None = None) -> list:
        """The messaging events recorded (oldest first; no WebSocket needed), filtered as given:
        `[{"seq", "time", "accountId", "region", "channelArn", "recipients", "eventType",
        "messageType", "payload", "message"}]`. `member_arn` is a recipient; `after` a `seq`."""
        return self._events_page(channel_arn, member_arn, event_type, after, account_id, limit, wait_ms)["events"]

    def _events_page(self, channel_arn=None, member_arn=None, event_type=None, after=None, account_id=None,
                     limit=None, wait_ms=None) -> dict:
        if event_type is not None and not isinstance(event_type, str):
            event_type = ",".join(event_type)
        query = {"channelArn": channel_arn, "memberArn": member_arn, "type": event_type, "after": after,
                 "accountId": account_id, "limit": limit, "waitMs": wait_ms}
        return self._call("GET", "events", query={k: v for k, v in query.items() if v is not None})

    def wait_for_event(self, channel_arn: str | None = None, member_arn: str | None = None,
                       event_type: "str | Iterable[str] | None" = None, timeout: float = 10,
                       predicate: Callable[[dict], bool] | None = None, after: int = 0,
                       account_id: str | None = None) -> dict:
        """The first recorded event after `after` (default: any recorded) that matches the
        filters and `predicate(event)`, long-polling until one is recorded; TimeoutError after
        `timeout` seconds."""
        deadline = time.monotonic() + timeout
        cursor = after
        while True:
            left_ms = int((deadline - time.monotonic()) * 1000)
            page = self._events_page(channel_arn, member_arn, event_type, cursor, account_id,
                                     wait_ms=max(0, min(left_ms, 25000)))
            for event in page["events"]:
                if predicate is None or predicate(event):
                    return event
            cursor = page["next"]
            if left_ms <= 0:
                what = {k: v for k, v in (("channel_arn", channel_arn), ("member_arn", member_arn),
                                          ("event_type", event_type)) if v is not None}
                raise TimeoutError(f"no event matching {what or 'the predicate'} within {timeout} s")

    def clear_events(self, account_id: str | None = None) -> None:
        """Every recorded event, or one account's (sequence numbers go on)."""
        self._call("DELETE", "events", query={"accountId": account_id} if account_id else None)

    # -- channel flows ---------------------------------------------------------------------

    def flow_invocations(self, account_id: str | None = None) -> list:
        """Channel-flow processor invocations waiting for their ChannelFlowCallback, oldest first
        (with account_id, only that account's channels'):
        `[{"CallbackId", "FunctionArn", "ChannelArn", "MessageId", "Event"}]`."""
        query = {"accountId": account_id} if account_id else None
        return self._call("GET", "channel-flow-invocations", query=query)["Invocations"]

    def run_flow_processor(self, handler: Callable[[dict, Any], Any], account_id: str | None = None) -> int:
        """Plays the processor Lambda: calls handler(event, None) for each waiting invocation (the
        handler answers with ChannelFlowCallback, as a real one does). Returns how many ran."""
        invocations = self.flow_invocations(account_id)
        for invocation in invocations:
            handler(invocation["Event"], None)
        return len(invocations)

    # -- AppInstanceBots (docs/bots.md) -----------------------------------------------------

    def bot_invocations(self, account_id: str | None = None) -> list:
        """AppInstanceBot invocations waiting for their Lex answer, oldest first (with account_id,
        only that account's channels'): `[{"InvocationId", "AppInstanceBotArn", "ChannelArn",
        "MessageId", "Request"}]`, where Request is the Lex V2 RecognizeText request the bot sends."""
        query = {"accountId": account_id} if account_id else None
        return self._call("GET", "bot-invocations", query=query)["Invocations"]

    def answer_bot_invocation(self, invocation_id: str, answer: dict) -> dict:
        """Answers one as Lex would: a RecognizeText response (`{"messages": [...],
        "sessionState": {...}, "sessionId": ...}`) or `{"error": {"code": ..., "message": ...}}`;
        the bot then replies in the channel."""
        return self._call("POST", "bot-invocations/" + invocation_id, body=answer)

    def run_lex_bot(self, handler: Callable[[dict], dict], account_id: str | None = None) -> int:
        """Plays Lex: answers each waiting invocation (of account_id's channels, if given) with
        handler(request), the request being the RecognizeText request. Returns how many."""
        invocations = self.bot_invocations(account_id)
        for invocation in invocations:
            self.answer_bot_invocation(invocation["InvocationId"], handler(invocation["Request"]))
        return len(invocations)
