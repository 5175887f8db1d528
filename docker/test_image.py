"""Drives the built chime-local image with podman and boto3 (run by docker/ci_image_test.sh).

- the image is small (< 100 MB), keeps its HEALTHCHECK, and runs as a non-root user;
- persistent: health, then create an app instance, users, a channel and a message; a new
  container on the same volume still has the message; `podman healthcheck run` says healthy;
- --in-memory: health reports the memory store and the API works.

Environment: CHIME_LOCAL_IMAGE (the tag to test), PODMAN (the podman command, default podman).
Prints the time from `podman run` to the first HTTP 200 on /_chime-local/health.
"""

import json
import os
import shlex
import socket
import subprocess
import time
import unittest
import urllib.request
import uuid

import boto3

IMAGE = os.environ.get("CHIME_LOCAL_IMAGE", "localhost/chime-local:test")
PODMAN = shlex.split(os.environ.get("PODMAN", "podman"))
MAX_IMAGE_BYTES = 100 * 1000 * 1000


def podman(*args, check=True, timeout=120):
    proc = subprocess.run([*PODMAN, *args], capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"podman {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Container:
    """One `podman run -d` of the image, published on a free 127.0.0.1 port."""

    def __init__(self, *args, volume=None):
        self.port = free_port()
        self.name = f"chime-local-test-{uuid.uuid4().hex[:8]}"
        cmd = ["run", "-d", "--name", self.name, "-p", f"127.0.0.1:{self.port}:4590"]
        if volume:
            cmd += ["-v", f"{volume}:/data"]
        self.started = time.monotonic()
        podman(*cmd, IMAGE, *args)
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.seconds_to_healthy = self.wait_healthy()

    def wait_healthy(self, timeout=30.0):
        while time.monotonic() - self.started < timeout:
            try:
                with urllib.request.urlopen(self.endpoint + "/_chime-local/health", timeout=2) as r:
                    if r.status == 200:
                        self.health = json.load(r)
                        return time.monotonic() - self.started
            except OSError:
                pass
            time.sleep(0.02)
        logs = podman("logs", self.name, check=False)
        raise AssertionError(f"{self.name} not healthy within {timeout}s:\n{logs.stdout}{logs.stderr}")

    def client(self, service):
        return boto3.client(service, region_name="us-east-1", endpoint_url=self.endpoint,
                            aws_access_key_id="test", aws_secret_access_key="test")

    def remove(self):
        podman("rm", "-f", "-t", "5", self.name, check=False)


class ImageTest(unittest.TestCase):
    def test_image_is_small_non_root_and_keeps_its_healthcheck(self):
        info = json.loads(podman("image", "inspect", IMAGE).stdout)[0]
        print(f"\nimage {IMAGE}: {info['Size'] / 1e6:.1f} MB")
        self.assertLess(info["Size"], MAX_IMAGE_BYTES)
        self.assertEqual(info["Config"]["User"], "10001:10001")
        health = info.get("Healthcheck") or info["Config"].get("Healthcheck")
        self.assertIsNotNone(health, "HEALTHCHECK lost: build with --format docker")
        self.assertIn("/usr/local/bin/chime-local-health", health["Test"])

    def test_persistent_store_survives_a_new_container_on_the_same_volume(self):
        volume = f"chime-local-test-{uuid.uuid4().hex[:8]}"
        podman("volume", "create", volume)
        self.addCleanup(podman, "volume", "rm", "-f", volume, check=False)
        first = Container(volume=volume)
        self.addCleanup(first.remove)
        print(f"\npersistent: run -> healthy in {first.seconds_to_healthy:.2f} s")
        self.assertEqual(first.health["storage"], "sqlite")
        # The image's own HEALTHCHECK command, run the way the engine runs it.
        self.assertEqual(podman("healthcheck", "run", first.name, check=False).returncode, 0)

        identity, messaging = first.client("chime-sdk-identity"), first.client("chime-sdk-messaging")
        app = identity.create_app_instance(Name="image-test")["AppInstanceArn"]
        owner, member = (identity.create_app_instance_user(
            AppInstanceArn=app, AppInstanceUserId=uid, Name=uid)["AppInstanceUserArn"]
            for uid in ("owner", "member"))
        channel = messaging.create_channel(AppInstanceArn=app, Name="general", ChimeBearer=owner,
                                           MemberArns=[member])["ChannelArn"]
        sent = messaging.send_channel_message(ChannelArn=channel, Content="kept in the volume",
                                              Type="STANDARD", Persistence="PERSISTENT",
                                              ChimeBearer=member)["MessageId"]
        podman("stop", "-t", "10", first.name)
        self.assertEqual(podman("inspect", "--format", "{{.State.ExitCode}}", first.name).stdout.strip(), "0")
        first.remove()

        second = Container(volume=volume)
        self.addCleanup(second.remove)
        print(f"restart on the same volume: run -> healthy in {second.seconds_to_healthy:.2f} s")
        msgs = second.client("chime-sdk-messaging").list_channel_messages(
            ChannelArn=channel, ChimeBearer=member)["ChannelMessages"]
        self.assertEqual([(m["MessageId"], m["Content"]) for m in msgs], [(sent, "kept in the volume")])

    def test_in_memory_run(self):
        c = Container("--in-memory")
        self.addCleanup(c.remove)
        print(f"\n--in-memory: run -> healthy in {c.seconds_to_healthy:.2f} s")
        self.assertEqual(c.health["storage"], "memory")
        identity = c.client("chime-sdk-identity")
        app = identity.create_app_instance(Name="throwaway")["AppInstanceArn"]
        self.assertEqual([a["AppInstanceArn"] for a in identity.list_app_instances()["AppInstances"]], [app])
        # The HEALTHCHECK probe, run inside the container.
        self.assertEqual(podman("exec", c.name, "/usr/local/bin/chime-local-health", check=False).returncode, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
