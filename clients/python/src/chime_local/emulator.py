"""Starts a chime-local binary on a free port (or uses a running one) for a test run."""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from typing import Iterable

from .control import Control

READY_PREFIX = "chime-local listening on "
CA_PREFIX = "chime-local TLS CA: "
CERT_PREFIX = "chime-local TLS certificate: "
DEFAULT_REGION = "us-east-1"
DUMMY_KEY = "test"  # not 12 digits: acts in the emulator's --account-id


class EmulatorError(RuntimeError):
    """The binary could not be found, or did not start."""


def find_binary(binary: str | None = None) -> str:
    """The given path, else $CHIME_LOCAL_BIN, else `chime-local` on PATH."""
    candidate = binary or os.environ.get("CHIME_LOCAL_BIN") or shutil.which("chime-local")
    if not candidate:
        raise EmulatorError("chime-local not found: set CHIME_LOCAL_BIN to the binary (e.g. build/chime-local), "
                            "put it on PATH, or set CHIME_LOCAL_ENDPOINT to a running emulator")
    if not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
        raise EmulatorError(f"chime-local binary {candidate!r} does not exist or is not executable")
    return candidate


class Emulator:
    """One emulator for a test run.

    `Emulator()` starts `$CHIME_LOCAL_BIN` (or `chime-local` on PATH) with `--port 0 --in-memory`
    plus `args`, unless `endpoint` is given or `$CHIME_LOCAL_ENDPOINT` is set: then it uses that
    running emulator and starts nothing (`.owned` is False, `stop()` leaves it running).
    """

    def __init__(self, binary: str | None = None, args: Iterable[str] = (), endpoint: str | None = None,
                 region: str = DEFAULT_REGION, start_timeout: float = 30.0, use_env_endpoint: bool = True):
        self.binary = binary
        self.args = list(args)
        self.region = region
        self.start_timeout = start_timeout
        if endpoint is None and binary is None and use_env_endpoint:
            endpoint = os.environ.get("CHIME_LOCAL_ENDPOINT") or None
        self.endpoint: str | None = endpoint.rstrip("/") if endpoint else None
        self.owned = self.endpoint is None
        self.ca_pem_path: str | None = None  # the CA file (or --tls-cert file) wss:// clients trust
        self.log_path: str | None = None     # the started binary's stderr
        self.process: subprocess.Popen | None = None
        self.control = Control(self.endpoint) if self.endpoint else None
        self._clients: dict = {}
        self._tmp: str | None = None

    def __repr__(self) -> str:
        return f"Emulator(endpoint={self.endpoint!r}, owned={self.owned})"

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> "Emulator":
        if not self.owned:
            self.control.health()  # fails early, with the address, if nothing answers there
            return self
        if self.process is not None:
            return self
        binary = find_binary(self.binary)
        self._tmp = tempfile.mkdtemp(prefix="chime-local-")
        self.log_path = os.path.join(self._tmp, "stderr.log")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen([binary, "--port", "0", "--in-memory", *self.args],
                                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log)
        try:
            ready = self._read_line(READY_PREFIX)
            self.endpoint = ready[len(READY_PREFIX):].split()[0].rstrip("/")
            tls = self._read_line(CA_PREFIX, CERT_PREFIX)
            prefix = CA_PREFIX if tls.startswith(CA_PREFIX) else CERT_PREFIX
            self.ca_pem_path = tls[len(prefix):].split(" (", 1)[0].strip()
        except BaseException:
            self._terminate()
            raise
        self.control = Control(self.endpoint)
        return self

    def _read_line(self, *prefixes: str) -> str:
        """The next stdout line, which must start with one of prefixes, within start_timeout."""
        deadline = time.monotonic() + self.start_timeout
        buf = b""
        fd = self.process.stdout.fileno()
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise EmulatorError(f"chime-local printed no {prefixes[0]!r} line within "
                                    f"{self.start_timeout:g} s{self._stderr_tail()}")
            readable, _, _ = select.select([fd], [], [], left)
            if not readable:
                continue
            chunk = os.read(fd, 1)  # byte by byte: nothing past the line is consumed
            if not chunk:
                rc = self.process.wait(timeout=5)
                raise EmulatorError(f"chime-local exited with code {rc} before it was ready{self._stderr_tail()}")
            buf += chunk
        line = buf.decode("utf-8", "replace").strip()
        if not line.startswith(prefixes):
            raise EmulatorError(f"unexpected chime-local output {line!r} (expected {prefixes[0]!r}...)")
        return line

    def _stderr_tail(self) -> str:
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                tail = f.read()[-2000:].strip()
        except OSError:
            return ""
        return f"; its stderr:\n{tail}" if tail else ""

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM and wait (a started emulator); returns its exit code. A running emulator given
        by endpoint is left alone."""
        rc = self._terminate(timeout)
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
        return rc

    def _terminate(self, timeout: float = 10.0) -> int | None:
        proc, self.process = self.process, None
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout:
            proc.stdout.close()
        return proc.returncode

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- SDK clients -----------------------------------------------------------------------

    def client(self, service: str, account: str | None = None, region: str | None = None, **kwargs):
        """A boto3 client of `service` ("chime-sdk-identity", "chime-sdk-messaging" or the short
        "identity" / "messaging") pointed at this emulator, with dummy credentials. `account`, a
        12-digit string, is used as the access key id, which the emulator takes as the account."""
        try:
            import boto3
        except ImportError as e:
            raise ImportError("Emulator.client needs boto3: pip install boto3 "
                              "(Debian: apt-get install python3-boto3)") from e
        if self.endpoint is None:
            raise EmulatorError("the emulator is not started")
        if service in ("identity", "messaging"):
            service = "chime-sdk-" + service
        key = (service, account, region, tuple(sorted(kwargs.items(), key=lambda kv: kv[0])) if kwargs else ())
        if not kwargs and key in self._clients:
            return self._clients[key]
        made = boto3.session.Session().client(
            service, endpoint_url=self.endpoint, region_name=region or self.region,
            aws_access_key_id=account or DUMMY_KEY, aws_secret_access_key="test", **kwargs)
        if not kwargs:
            self._clients[key] = made
        return made
