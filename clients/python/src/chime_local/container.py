"""chime-local as a Testcontainers container (needs `pip install testcontainers`).

    from chime_local.container import ChimeLocalContainer
    with ChimeLocalContainer() as c:              # image "chime-local", --in-memory
        identity = c.client("chime-sdk-identity")

get_ca_pem() fetches the CA from the emulator (GET /_chime-local/ca.pem); get_ca_pem_path() is
its path inside the container, from the container's stdout.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request

try:
    from testcontainers.core.container import DockerContainer
except ImportError as e:  # Debian packages no testcontainers for Python
    raise ImportError("chime_local.container needs the testcontainers package: pip install testcontainers "
                      "(the rest of chime_local works without it)") from e

from .control import Control
from .emulator import CA_PREFIX, DEFAULT_REGION, DUMMY_KEY

PORT = 4590


class ChimeLocalContainer(DockerContainer):
    """The chime-local image with port 4590 exposed; start() returns once /_chime-local/health
    answers 200 (the store is open before the port is bound, so that means ready)."""

    def __init__(self, image: str = "chime-local", args=("--in-memory",), port: int = PORT,
                 start_timeout: float = 60.0, **kwargs):
        super().__init__(image, **kwargs)
        self.port = port
        self.start_timeout = start_timeout
        self.with_exposed_ports(port)
        if args:
            self.with_command(list(args))

    def start(self) -> "ChimeLocalContainer":
        super().start()
        self._wait_for_health()
        return self

    def _wait_for_health(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        url = self.get_endpoint() + "/_chime-local/health"
        last = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError) as e:
                last = e
            time.sleep(0.1)
        raise TimeoutError(f"chime-local container: {url} did not answer 200 within {self.start_timeout:g} s ({last})")

    def get_endpoint(self) -> str:
        return f"http://{self.get_container_host_ip()}:{self.get_exposed_port(self.port)}"

    def get_control(self) -> Control:
        return Control(self.get_endpoint())

    def get_ca_pem_path(self) -> str:
        """The CA's path inside the container, from the second stdout line."""
        deadline = time.monotonic() + self.start_timeout
        while True:
            stdout, _ = self.get_logs()
            for line in stdout.decode("utf-8", "replace").splitlines():
                if line.startswith(CA_PREFIX):
                    return line[len(CA_PREFIX):].split(" (", 1)[0].strip()
            if time.monotonic() > deadline:
                raise RuntimeError("chime-local container printed no 'chime-local TLS CA:' line "
                                   "(started with --tls-cert? then you have the certificate already)")
            time.sleep(0.1)

    def get_ca_pem(self) -> bytes:
        """The PEM of the CA that wss:// and https:// clients must trust."""
        return self.get_control().ca_pem()

    def client(self, service: str, region: str = DEFAULT_REGION, access_key_id: str = DUMMY_KEY, **kwargs):
        """A boto3 client pointed at the container (dummy credentials)."""
        import boto3

        if service in ("identity", "messaging"):
            service = "chime-sdk-" + service
        return boto3.client(service, endpoint_url=self.get_endpoint(), region_name=region,
                            aws_access_key_id=access_key_id, aws_secret_access_key="test", **kwargs)
