"""Test harness for chime-local integration tests (stdlib + boto3 + botocore only).

Each ``tests/integration/test_*.py`` module is one ctest (``integration.<module>``) run as
``python -m unittest -v <module>`` from this directory, with ``CHIME_LOCAL_BIN`` pointing at the
built binary and ``AWS_CLI`` at the preferred AWS CLI. Run one module by hand with::

    cd tests/integration && CHIME_LOCAL_BIN=../../build/chime-local python3 -m unittest -v test_smoke
    ctest --test-dir build -R integration.test_smoke --output-on-failure

Typical test module::

    from harness import ChimeTestCase

    class ChannelTests(ChimeTestCase):
        def test_create_channel(self):
            app = self.make_app_instance()
            user = self.make_user(app)
            channel = self.make_channel(app, user, Mode='UNRESTRICTED')
            with self.assertClientError('NotFoundException') as ctx:
                self.messaging.describe_channel(ChannelArn=channel + 'x', ChimeBearer=user)
            self.assertIn('not found', ctx.message.lower())

``ChimeTestCase`` starts one server (in-memory store) per test class in ``setUpClass`` and
asserts in ``tearDownClass`` that it exits with code 0 on SIGTERM. The server's stderr goes to a
temporary log file, printed when a test fails or errors, or when the server dies.

Everything below is public API unless its name starts with ``_``:

Constants
    REGION, ACCOUNT_ID, ACCESS_KEY, SECRET_KEY, LEX_BOT_ALIAS_ARN, HEALTH_PATH

Functions
    free_port() -> int
    server_binary() -> str
    unique_name(prefix='t') -> str
    quote_arn(arn) -> str                             percent-encode for use in a raw path
    make_client(service, endpoint, validate=True) -> botocore client
    raw_request(endpoint, method, path, headers=None, body=None, timeout=10.0)
        -> (status, headers_lowercase_dict, body_bytes)
    run_aws(endpoint, *args, expect_rc=None, input=None, timeout=120)
        -> (rc, parsed_json_or_None, stderr)
    botocore_supports(client, operation, member=None) -> bool

class ChimeLocal                                      one emulator process
class ChimeTestCase(unittest.TestCase)                base class for tests
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
import uuid
import weakref

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
ACCESS_KEY = "AKIDCHIMELOCALTEST"
SECRET_KEY = "chime-local-secret"
HEALTH_PATH = "/_chime-local/health"
LEX_BOT_ALIAS_ARN = "arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/KLMNOPQRST"

# Status codes of the modeled exceptions (identical in both services' models).
ERROR_STATUS = {
    "BadRequestException": 400,
    "ConflictException": 409,
    "ForbiddenException": 403,
    "NotFoundException": 404,
    "ResourceLimitExceededException": 400,
    "ServiceFailureException": 500,
    "ServiceUnavailableException": 503,
    "ThrottledClientException": 429,
    "UnauthorizedClientException": 401,
}

_LISTENING_RE = re.compile(r"chime-local listening on http://(?P<host>[^\s:/]+|\[[^\]]+\]):(?P<port>\d+)")

# A developer's ~/.aws or AWS_* variables must not leak into the tests (a profile that does not
# exist here makes botocore raise; AWS_ENDPOINT_URL would redirect the CLI).
for _var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL",
             "AWS_ENDPOINT_URL_CHIME_SDK_MESSAGING", "AWS_ENDPOINT_URL_CHIME_SDK_IDENTITY",
             "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
    os.environ.pop(_var, None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")


# --------------------------------------------------------------------------------------------
# Small utilities
# --------------------------------------------------------------------------------------------

class StubEndpointMixin:
    """Put before ChimeTestCase in a test class whose emulator calls out to a stub of an AWS API:
    `stub_factory()` makes the stub (a socketserver on 127.0.0.1, port 0), kept as cls.<stub_name>
    and served from a daemon thread; the emulator starts with `stub_flag` (e.g. "--lex-endpoint")
    pointing at it."""
    stub_factory = None
    stub_flag = ""
    stub_name = "stub"

    @classmethod
    def setUpClass(cls):
        stub = cls.stub_factory()
        setattr(cls, cls.stub_name, stub)
        threading.Thread(target=stub.serve_forever, daemon=True).start()
        cls.server_args = (cls.stub_flag, f"http://127.0.0.1:{stub.server_address[1]}")
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            stub = getattr(cls, cls.stub_name)
            stub.shutdown()
            stub.server_close()


def free_port() -> int:
    """Returns a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto():
    """moto's server (the AWS mock the Kinesis and EventBridge tests send to) from the python3 on
    PATH, offline, on a free port: (process, endpoint). SkipTest if it cannot start."""
    python = shutil.which("python3") or sys.executable
    probe = subprocess.run([python, "-c", "import moto.server"], capture_output=True)
    if probe.returncode != 0:
        raise unittest.SkipTest("moto's server cannot be imported by python3 (pip package moto[server])")
    port = free_port()
    proc = subprocess.Popen([python, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            if proc.poll() is not None:
                raise unittest.SkipTest("moto_server exited at start")
            time.sleep(0.2)
    proc.kill()
    proc.wait()
    raise unittest.SkipTest("moto_server did not start within 30 s")


def server_binary() -> str:
    """Path of the chime-local binary: $CHIME_LOCAL_BIN, else <repo>/build/chime-local."""
    path = os.environ.get("CHIME_LOCAL_BIN")
    if not path:
        here = os.path.dirname(os.path.abspath(__file__))
        path = os.path.join(here, "..", "..", "build", "chime-local")
    path = os.path.abspath(path)
    if not os.access(path, os.X_OK):
        raise RuntimeError(
            f"chime-local binary not found at {path}: build it (cmake --build build) "
            "or set CHIME_LOCAL_BIN")
    return path


def unique_name(prefix: str = "t") -> str:
    """A short random name, e.g. 'app-3f9c2a1b7d'."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def quote_arn(arn: str) -> str:
    """Percent-encodes an ARN the way the SDKs put it in a path (':' -> %3A, '/' -> %2F)."""
    return urllib.parse.quote(arn, safe="")


def make_client(service: str, endpoint: str, validate: bool = True, verify=None, **config):
    """A boto3 client for `service` ('chime-sdk-identity' / 'chime-sdk-messaging') talking to
    `endpoint`, with dummy credentials, region us-east-1 and no retries. validate=False turns
    off botocore's client-side parameter validation so the server's validation can be tested.
    `verify`: the CA bundle for an https:// endpoint. Extra keyword arguments go to
    botocore.config.Config."""
    cfg = dict(
        retries={"total_max_attempts": 1, "mode": "standard"},
        parameter_validation=validate,
        connect_timeout=5,
        read_timeout=60,
    )
    cfg.update(config)
    session = boto3.session.Session(
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION)
    return session.client(service, endpoint_url=endpoint, config=Config(**cfg), verify=verify)


def botocore_supports(client, operation: str, member: str | None = None) -> bool:
    """True if the client's (botocore) model has `operation` (e.g. 'CreateAppInstanceBot') and,
    if given, the input member `member` (e.g. 'Target'). Debian's boto3 1.26 lacks some."""
    model = client.meta.service_model
    if operation not in model.operation_names:
        return False
    if member is None:
        return True
    shape = model.operation_model(operation).input_shape
    return shape is not None and member in shape.members


def raw_request(endpoint: str, method: str, path: str, headers: dict | None = None,
                body=None, timeout: float = 10.0):
    """Sends one HTTP request with http.client (no SigV4, no SDK) and returns
    (status, headers, body): headers is a dict with lower-cased names (repeated headers joined
    with ', '), body is bytes. `path` is sent as-is (percent-encode ARNs with quote_arn).
    `body` may be bytes, str, or a JSON-serialisable dict/list (then Content-Type defaults to
    application/json)."""
    url = urllib.parse.urlsplit(endpoint)
    hdrs = dict(headers or {})
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        if not any(k.lower() == "content-type" for k in hdrs):
            hdrs["Content-Type"] = "application/json"
    elif isinstance(body, str):
        body = body.encode()
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        out = {}
        for k, v in resp.getheaders():
            k = k.lower()
            out[k] = f"{out[k]}, {v}" if k in out else v
        return resp.status, out, data
    finally:
        conn.close()


def _aws_env() -> dict:
    env = dict(os.environ)
    env.update(
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
        AWS_PAGER="",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_MAX_ATTEMPTS="1",
        AWS_RETRY_MODE="standard",
        AWS_CLI_AUTO_PROMPT="off",
    )
    return env


def aws_cli_command() -> list:
    """The AWS CLI to run: $AWS_CLI (may contain arguments, e.g. 'python3 -m awscli') or 'aws'."""
    return shlex.split(os.environ.get("AWS_CLI") or "aws")


def run_aws(endpoint: str, *args, expect_rc: int | None = None, input: str | None = None,
            timeout: float = 120):
    """Runs the AWS CLI against `endpoint`:
        run_aws(ep, 'chime-sdk-identity', 'create-app-instance', '--name', 'x')
    adds --endpoint-url, --region us-east-1 and --output json, with dummy credentials and no
    retries in the environment. Returns (rc, data, stderr): data is the parsed JSON of stdout,
    None if stdout is empty, or the raw stdout text if it is not JSON. If expect_rc is given
    and differs, raises AssertionError showing stdout and stderr. (The CLI exits 254 (v2) or
    255 (v1) for service errors, 252 (v2) / 2 (v1) for usage errors.)"""
    cmd = aws_cli_command() + [str(a) for a in args] + [
        "--endpoint-url", endpoint, "--region", REGION, "--output", "json"]
    proc = subprocess.run(cmd, env=_aws_env(), capture_output=True, text=True, timeout=timeout,
                          input=input, stdin=None if input is not None else subprocess.DEVNULL)
    out = proc.stdout.strip()
    data = None
    if out:
        try:
            data = json.loads(out)
        except ValueError:
            data = proc.stdout
    if expect_rc is not None and proc.returncode != expect_rc:
        raise AssertionError(
            f"aws exited {proc.returncode}, expected {expect_rc}\n  cmd: {shlex.join(cmd)}\n"
            f"  stdout: {proc.stdout}\n  stderr: {proc.stderr}")
    return proc.returncode, data, proc.stderr


# --------------------------------------------------------------------------------------------
# The emulator process
# --------------------------------------------------------------------------------------------

_live_servers: "weakref.WeakSet[ChimeLocal]" = weakref.WeakSet()


@atexit.register
def _kill_leftovers():
    for s in list(_live_servers):
        with contextlib.suppress(Exception):
            s.kill()


try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved here, not in the forked child
except (OSError, AttributeError):
    _prctl = None


def _die_with_parent():
    # Runs in the child between fork and exec: SIGKILL the server if the test process dies
    # (e.g. ctest's timeout), so no orphan keeps a port.
    if _prctl is not None:
        _prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG


class ChimeLocal:
    """One chime-local process on 127.0.0.1 and a free port.

        with ChimeLocal() as emu:                 # in-memory store
            c = emu.identity_client()
        emu = ChimeLocal().start(data_file='/tmp/x.db', extra_args=['--log-level', 'info'])
        emu.restart(); emu.stop()                 # -> exit code

    Attributes after start(): endpoint ('http://127.0.0.1:PORT'), port, host, process
    (subprocess.Popen), log_path (the server's stderr), stdout_lines (everything it printed).
    Not thread-safe; use it from the thread that created it.
    """

    def __init__(self, binary: str | None = None, log_level: str = "error",
                 startup_timeout: float = 20.0, env: dict | None = None):
        self.binary = binary or server_binary()
        self.log_level = log_level
        self.startup_timeout = startup_timeout
        self.extra_env = dict(env or {})
        self.data_file = None
        self.extra_args: list = []
        self.process: subprocess.Popen | None = None
        self.host = "127.0.0.1"
        self.port: int | None = None
        self.endpoint: str | None = None
        self.stdout_lines: list = []
        self._log_file = tempfile.NamedTemporaryFile(
            prefix="chime-local-", suffix=".log", delete=False)
        self.log_path = self._log_file.name
        self._reader: threading.Thread | None = None
        self._port_seen = threading.Event()
        self._cmd: list | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self, data_file: str | None = None, extra_args=(), port: int = 0):
        """Starts the server and waits until GET /_chime-local/health answers 200.
        data_file=None uses an in-memory store (--in-memory); otherwise --data-file PATH.
        extra_args are appended to the command line. Returns self. Raises RuntimeError (with
        the server's log) if it exits or is not healthy within startup_timeout seconds."""
        if self.running:
            raise RuntimeError("chime-local is already running")
        self.data_file = data_file
        self.extra_args = [str(a) for a in extra_args]
        self._spawn(port)
        return self

    def restart(self, keep_port: bool = True):
        """stop() then start() with the same data file and arguments. With keep_port the server
        gets its old port back (so existing clients keep working); if that port was taken
        meanwhile it falls back to a new one (check .endpoint). Returns the exit code of stop()."""
        old_port = self.port
        rc = self.stop()
        if keep_port and old_port:
            try:
                self._spawn(old_port)
                return rc
            except RuntimeError:
                if self.process is not None and self.process.poll() is None:
                    raise
        self._spawn(0)
        return rc

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM, wait up to `timeout` s (then SIGKILL and raise), return the exit code
        (0 = clean; negative = killed by that signal). None if it was not running."""
        p = self.process
        if p is None:
            return None
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                self._finish()
                raise RuntimeError(
                    f"chime-local did not exit within {timeout}s of SIGTERM\n{self.log_report()}")
        self._finish()
        return p.returncode

    def kill(self) -> int | None:
        """SIGKILL (a crash, as far as the server can tell); returns the exit status."""
        p = self.process
        if p is None:
            return None
        if p.poll() is None:
            p.kill()
            p.wait()
        self._finish()
        return p.returncode

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def __enter__(self):
        if not self.running:
            self.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        rc = self.stop()
        if exc_type is None and rc == 0:
            self.cleanup()
        return False

    # -- clients and requests ---------------------------------------------------------------

    def identity_client(self, validate: bool = True, **config):
        return make_client("chime-sdk-identity", self.endpoint, validate, **config)

    def messaging_client(self, validate: bool = True, **config):
        return make_client("chime-sdk-messaging", self.endpoint, validate, **config)

    def raw_request(self, method, path, headers=None, body=None, timeout=10.0):
        return raw_request(self.endpoint, method, path, headers, body, timeout)

    def run_aws(self, *args, expect_rc=None, input=None, timeout=120):
        return run_aws(self.endpoint, *args, expect_rc=expect_rc, input=input, timeout=timeout)

    def health(self):
        """(status, parsed JSON body or None) of GET /_chime-local/health."""
        status, _, body = self.raw_request("GET", HEALTH_PATH, timeout=2)
        try:
            return status, json.loads(body)
        except ValueError:
            return status, None

    # -- logs -------------------------------------------------------------------------------

    def log_size(self) -> int:
        try:
            return os.path.getsize(self.log_path)
        except OSError:
            return 0

    def log_text(self, start: int = 0) -> str:
        """The server's stderr from byte offset `start`."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(start)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def log_report(self, start: int = 0, limit: int = 20000, stdout: bool = True) -> str:
        """The server's command line, exit status, stderr from byte `start` and (optionally)
        stdout, formatted for printing."""
        text = self.log_text(start)
        if len(text) > limit:
            text = "[...]\n" + text[-limit:]
        rc = None if self.process is None else self.process.poll()
        cmd = shlex.join(self._cmd or self.command())
        lines = [f"--- chime-local: {cmd} (exit status {rc}) ---",
                 f"--- stderr ({self.log_path}) ---", text.rstrip() or "(empty)"]
        if stdout and self.stdout_lines:
            lines += ["--- stdout ---", "".join(self.stdout_lines[-50:]).rstrip()]
        lines.append("--- end of chime-local output ---")
        return "\n".join(lines)

    def cleanup(self):
        """Removes the log file (the process must be stopped)."""
        with contextlib.suppress(OSError):
            self._log_file.close()
            os.unlink(self.log_path)

    # -- internals --------------------------------------------------------------------------

    def command(self, port: int = 0) -> list:
        """The command line start() runs (with --port `port`)."""
        cmd = [self.binary, "--host", "127.0.0.1", "--port", str(port),
               "--log-level", self.log_level, "--region", REGION, "--account-id", ACCOUNT_ID]
        cmd += ["--data-file", self.data_file] if self.data_file else ["--in-memory"]
        return cmd + self.extra_args

    def _spawn(self, port: int):
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHIME_LOCAL_")}
        env.update(self.extra_env)
        self.stdout_lines = []
        self._port_seen.clear()
        self.port = None
        self.endpoint = None
        cmd = self._cmd = self.command(port)
        self._log_file.write(f"=== {time.strftime('%H:%M:%S')} start: {shlex.join(cmd)}\n".encode())
        self._log_file.flush()
        self.process = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._log_file,
            env=env, preexec_fn=_die_with_parent, bufsize=0)
        _live_servers.add(self)
        self._reader = threading.Thread(target=self._read_stdout, args=(self.process,),
                                        daemon=True)
        self._reader.start()
        deadline = time.monotonic() + self.startup_timeout
        try:
            self._wait_for_port(deadline)
            self._wait_for_health(deadline)
        except Exception:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            report = self.log_report()
            self._finish()
            raise RuntimeError(f"chime-local failed to start\n{report}") from None

    def _read_stdout(self, proc):
        for raw in iter(proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace")
            self.stdout_lines.append(line)
            if self.port is None:
                m = _LISTENING_RE.search(line)
                if m:
                    self.host = m.group("host").strip("[]")
                    self.port = int(m.group("port"))
                    self._port_seen.set()
        proc.stdout.close()

    def _wait_for_port(self, deadline):
        while not self._port_seen.wait(0.02):
            if self.process.poll() is not None:
                self._reader.join(1)
                if self._port_seen.is_set():
                    break
                raise RuntimeError(f"exited with status {self.process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("no 'chime-local listening on http://HOST:PORT' line on stdout")
        connect_host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "localhost") else self.host
        host = f"[{connect_host}]" if ":" in connect_host else connect_host
        self.endpoint = f"http://{host}:{self.port}"

    def _wait_for_health(self, deadline):
        last = None
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"exited with status {self.process.returncode}")
            try:
                status, _, body = raw_request(self.endpoint, "GET", HEALTH_PATH, timeout=2)
                if status == 200:
                    return
                last = f"HTTP {status}: {body[:200]!r}"
            except OSError as e:
                last = repr(e)
            if time.monotonic() > deadline:
                raise RuntimeError(f"health check not 200 after {self.startup_timeout}s: {last}")
            time.sleep(0.02)

    def _finish(self):
        _live_servers.discard(self)
        if self._reader is not None:
            self._reader.join(2)
            self._reader = None


# --------------------------------------------------------------------------------------------
# unittest base class
# --------------------------------------------------------------------------------------------

class _ClientErrorContext:
    """Returned by ChimeTestCase.assertClientError; after the with-block: exception, code,
    message, status, response (botocore's parsed error response)."""

    def __init__(self, test: unittest.TestCase, code: str, status: int | None):
        self.test = test
        self.expected_code = code
        self.expected_status = status
        self.exception = None
        self.code = self.message = self.status = self.response = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        want = self.expected_code
        if exc is None:
            self.test.fail(f"{want} not raised")
        if not isinstance(exc, ClientError):
            return False  # let unrelated exceptions (e.g. ParamValidationError) propagate
        self.exception = exc
        self.response = exc.response
        err = exc.response.get("Error", {})
        meta = exc.response.get("ResponseMetadata", {})
        self.code = err.get("Code")
        self.message = err.get("Message", "")
        self.status = meta.get("HTTPStatusCode")
        got = (f"got {type(exc).__name__} (Code={self.code!r}, HTTP {self.status}, "
               f"Message={self.message!r})")
        if type(exc).__name__ != want:
            self.test.fail(f"expected {want}, {got}")
        if self.code != want:
            self.test.fail(f"expected Error.Code {want!r}, {got}")
        if self.expected_status is not None and self.status != self.expected_status:
            self.test.fail(f"expected HTTP {self.expected_status} for {want}, {got}")
        return True


class ChimeTestCase(unittest.TestCase):
    """Base class: one chime-local per test class, shared by its tests.

    Class attributes to override in a subclass:
        persistent = False    True: use a SQLite file in a temp dir instead of --in-memory
                              (needed to test restart_server()).
        server_args = ()      extra command-line flags for the server.
        server_env = {}       extra environment variables for the server (CHIME_LOCAL_* of the
                              calling environment are not passed on).
    Available in tests (class attributes):
        server (ChimeLocal), endpoint, identity, messaging (validating boto3 clients),
        raw_identity, raw_messaging (parameter_validation=False: the server sees anything).
    Subclasses that define setUpClass/tearDownClass must call super().
    """

    persistent = False
    server_args: tuple = ()
    server_env: dict = {}

    server: ChimeLocal
    endpoint: str

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._tmpdir = None
        cls._death_reported = False
        data_file = None
        if cls.persistent:
            cls._tmpdir = tempfile.mkdtemp(prefix="chime-local-test-")
            data_file = os.path.join(cls._tmpdir, "chime-local.db")
        cls.server = ChimeLocal(env=cls.server_env)
        try:
            cls.server.start(data_file=data_file, extra_args=cls.server_args)
        except Exception:
            cls.server.cleanup()
            raise
        cls._make_clients()

    @classmethod
    def tearDownClass(cls):
        server = cls.__dict__.get("server")
        try:
            if server is not None:
                died = server.process is not None and server.process.poll() is not None
                rc = server.stop()
                if rc != 0:
                    how = "died during the tests" if died else "did not exit cleanly on SIGTERM"
                    if not cls.__dict__.get("_death_reported"):
                        sys.stderr.write(server.log_report() + "\n")
                    raise AssertionError(f"chime-local {how} (exit status {rc})")
                server.cleanup()
        finally:
            if cls.__dict__.get("_tmpdir"):
                shutil.rmtree(cls._tmpdir, ignore_errors=True)
            super().tearDownClass()

    @classmethod
    def _make_clients(cls):
        cls.endpoint = cls.server.endpoint
        cls.identity = cls.server.identity_client()
        cls.messaging = cls.server.messaging_client()
        cls.raw_identity = cls.server.identity_client(validate=False)
        cls.raw_messaging = cls.server.messaging_client(validate=False)

    @classmethod
    def restart_server(cls, keep_port: bool = True) -> int:
        """Restarts the class's server (state survives only if persistent = True), re-creates
        the clients, and returns the exit code of the stop."""
        rc = cls.server.restart(keep_port=keep_port)
        cls._death_reported = False
        cls._make_clients()
        return rc

    # Print the server's log for a failing test (only the part written during that test).
    def run(self, result=None):
        server = getattr(type(self), "server", None)
        if result is None or server is None:
            return super().run(result)
        start = server.log_size()
        before = len(result.failures) + len(result.errors)
        out = super().run(result)
        died = server.process is not None and server.process.poll() is not None
        failed = len(result.failures) + len(result.errors) > before
        if died and not getattr(type(self), "_death_reported", False):
            type(self)._death_reported = True
            sys.stderr.write(f"\n!!! chime-local died during {self.id()}\n")
            sys.stderr.write(server.log_report() + "\n")
        elif failed and not died:
            sys.stderr.write("\n" + server.log_report(start, stdout=False) + "\n")
        sys.stderr.flush()
        return out

    # -- assertions -------------------------------------------------------------------------

    def assertClientError(self, code: str, status: int | None = -1) -> _ClientErrorContext:
        """Context manager asserting that the block raises the modeled botocore exception
        `code` (checks the class name, Error.Code and the HTTP status, which defaults to the
        modeled one, e.g. 404 for NotFoundException; pass status=None to skip that check):

            with self.assertClientError('BadRequestException') as ctx:
                self.raw_identity.create_app_instance(Name='')
            print(ctx.message, ctx.status, ctx.response)
        """
        if status == -1:
            status = ERROR_STATUS.get(code)
        return _ClientErrorContext(self, code, status)

    assertRaisesCode = assertClientError  # alias

    def requireModel(self, client, operation: str, member: str | None = None):
        """Skips the test if this boto3's model lacks `operation` (or its input `member`)."""
        if not botocore_supports(client, operation, member):
            what = f"{operation}.{member}" if member else operation
            self.skipTest(f"botocore {botocore.__version__} has no {what}")

    # -- fixtures ---------------------------------------------------------------------------

    def make_app_instance(self, name: str | None = None, **kw) -> str:
        """CreateAppInstance; returns the AppInstanceArn."""
        resp = self.identity.create_app_instance(Name=name or unique_name("app"), **kw)
        return resp["AppInstanceArn"]

    def make_user(self, app_arn: str, user_id: str | None = None, name: str | None = None,
                  **kw) -> str:
        """CreateAppInstanceUser with a random id/name; returns the AppInstanceUserArn."""
        uid = user_id or unique_name("user")
        resp = self.identity.create_app_instance_user(
            AppInstanceArn=app_arn, AppInstanceUserId=uid, Name=name or uid, **kw)
        return resp["AppInstanceUserArn"]

    def make_bot(self, app_arn: str, name: str | None = None, **kw) -> str:
        """CreateAppInstanceBot with a valid Lex configuration; returns the AppInstanceBotArn.
        Skips the test when this boto3 predates AppInstanceBots."""
        self.requireModel(self.identity, "CreateAppInstanceBot")
        kw.setdefault("Configuration", {"Lex": {
            "LexBotAliasArn": LEX_BOT_ALIAS_ARN,
            "LocaleId": "en_US",
            "InvokedBy": {"StandardMessages": "AUTO", "TargetedMessages": "ALL"},
        }})
        resp = self.identity.create_app_instance_bot(
            AppInstanceArn=app_arn, Name=name or unique_name("bot"), **kw)
        return resp["AppInstanceBotArn"]

    def make_admin(self, app_arn: str, user_arn: str) -> str:
        """CreateAppInstanceAdmin (user_arn becomes an admin of app_arn); returns user_arn."""
        self.identity.create_app_instance_admin(AppInstanceAdminArn=user_arn,
                                                AppInstanceArn=app_arn)
        return user_arn

    def make_channel_cast(self):
        """Sets self.app (a new AppInstance), self.admin (an AppInstanceAdmin of it) and the
        users self.owner, self.alice, self.bob and self.carol: the cast of the channel tests."""
        self.app = self.make_app_instance()
        self.admin = self.make_admin(self.app, self.make_user(self.app, name="Admin"))
        self.owner = self.make_user(self.app, name="Owner")
        self.alice = self.make_user(self.app, name="Alice")
        self.bob = self.make_user(self.app, name="Bob")
        self.carol = self.make_user(self.app, name="Carol")

    def make_channel(self, app_arn: str, bearer: str, **kw) -> str:
        """CreateChannel as `bearer` (a user or bot ARN) with a random Name unless given;
        other keyword arguments go to create_channel. Returns the ChannelArn."""
        kw.setdefault("Name", unique_name("channel"))
        resp = self.messaging.create_channel(AppInstanceArn=app_arn, ChimeBearer=bearer, **kw)
        return resp["ChannelArn"]

    def make_user_and_channel(self):
        """A new app instance, one user and a channel that user created: (app, user, channel)."""
        app = self.make_app_instance()
        user = self.make_user(app)
        return app, user, self.make_channel(app, user)

    def send_text(self, channel: str, bearer: str, content: str = "hi"):
        """SendChannelMessage of a PERSISTENT STANDARD `content` as `bearer`."""
        return self.messaging.send_channel_message(ChannelArn=channel, Content=content, Type="STANDARD",
                                                   Persistence="PERSISTENT", ChimeBearer=bearer)

    # -- plumbing shortcuts -----------------------------------------------------------------

    def run_aws(self, *args, expect_rc=None, input=None, timeout=120):
        """run_aws() against this class's server; see the module function."""
        return run_aws(self.endpoint, *args, expect_rc=expect_rc, input=input, timeout=timeout)

    def raw_request(self, method, path, headers=None, body=None, timeout=10.0):
        """raw_request() against this class's server; see the module function."""
        return raw_request(self.endpoint, method, path, headers, body, timeout)
