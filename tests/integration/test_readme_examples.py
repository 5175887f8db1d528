"""The examples of README.md and docs/*.md run as written, each against a fresh emulator.

A runnable example in README.md or a docs/*.md page is a fenced block preceded by a marker line:

    <!-- example: boto3 -->
    ```python
    ...
    ```

At test time every marked block is extracted from those files, the address
``http://127.0.0.1:4590`` is replaced by the test emulator's (started on a free port) and
nothing else is changed; then the block runs the way the README tells a reader to run it:

    boto3              python3 demo.py, with every python3 here that has boto3 (the newer one on
                       PATH and Debian's python3-boto3 1.26)
    aws-cli            bash, with every AWS CLI here as `aws` (v1 from PATH, Debian's v2 2.9)
    js-sdk             saved as demo.mjs next to tests/js/node_modules, `node demo.mjs`
    control-endpoints  bash (curl)
    inspector-approve  bash (curl, python3), with one channel-flow message waiting (docs/inspector.md)
    snapshot           bash (curl, sqlite3), with the binary under test on PATH as chime-local
    channel-flow-queue python3 flow.py, with every python3 here that has boto3
    bot-queue          python3 bot.py, with every python3 here whose boto3 models AppInstanceBots
    events             python3 events.py (boto3 and urllib: the event log without a WebSocket)
    push-notifications python3 push.py (boto3 and urllib: the push notifications journal)
    pytest-fixture     saved as test_chime.py in a directory whose build/chime-local is the
                       binary under test, `/usr/bin/python3 -m pytest test_chime.py` (Debian's
                       pytest and boto3 1.26: what a fresh Debian 12 machine has)
    pytest-seed        the same, saved as test_seeded.py (starts from --seed-file; resets, faults,
                       journal and clock)
    pytest-plugin      saved as test_chat.py, `/usr/bin/python3 -m pytest -p chime_local.pytest_plugin`
                       with clients/python/src on PYTHONPATH and CHIME_LOCAL_BIN set (the installed
                       package loads the same plugin by its entry point; clients.python tests that)
    node-control       saved as chat.test.mjs next to a node_modules holding chime-local
                       (clients/node) and tests/js's @aws-sdk, `node --test chat.test.mjs`

Blocks that look runnable (they talk to the emulator's address or use an AWS SDK) must carry a
marker; ``<!-- not-run: why -->`` opts one out. The Docker section is exempt (its examples need a
container engine). So a README edit that breaks an example, or adds an unmarked one, fails here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import boto3

from harness import ChimeLocal, aws_cli_command, make_client, server_binary

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
README = os.path.join(REPO, "README.md")
DOCS = os.path.join(REPO, "docs")
JS_NODE_MODULES = os.path.join(REPO, "tests", "js", "node_modules")
README_ENDPOINT = "http://127.0.0.1:4590"
DEBIAN_PYTHON = "/usr/bin/python3"

MARKER_RE = re.compile(r"^<!--\s*(example|not-run):\s*(?P<arg>.*?)\s*-->\s*$")
FENCE_RE = re.compile(r"^(?P<fence>```+|~~~+)\s*(?P<lang>[\w+-]*)\s*$")
# What makes a block look like something a reader runs against the emulator.
RUNNABLE_HINT_RE = re.compile(r"127\.0\.0\.1:4590|localhost:4590|import boto3|@aws-sdk/|/_chime-local/")
EXEMPT_SECTIONS = ("## Docker",)


class Block:
    def __init__(self, line: int, lang: str, text: str, marker: tuple | None, section: str,
                 path: str = "README.md"):
        self.line, self.lang, self.text, self.marker, self.section = line, lang, text, marker, section
        self.path = path

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def doc_files() -> list:
    """README.md, then every docs/*.md page."""
    pages = sorted(os.path.join(DOCS, n) for n in os.listdir(DOCS) if n.endswith(".md")) \
        if os.path.isdir(DOCS) else []
    return [README] + pages


def readme_blocks() -> list:
    """Every fenced block of README.md and docs/*.md with its marker, if one precedes it."""
    blocks = []
    for path in doc_files():
        blocks.extend(file_blocks(path))
    return blocks


def file_blocks(path: str) -> list:
    """Every fenced block of one Markdown file with its marker (kind, argument) if one precedes it."""
    rel = os.path.relpath(path, REPO)
    blocks = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    section = ""
    pending = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            section = line.strip()
        m = MARKER_RE.match(line)
        if m:
            pending = (m.group(1), m.group("arg"))
            i += 1
            continue
        f = FENCE_RE.match(line)
        if f:
            fence = f.group("fence")
            start = i
            body = []
            i += 1
            while i < len(lines) and not lines[i].startswith(fence):
                body.append(lines[i])
                i += 1
            blocks.append(Block(start + 1, f.group("lang"), "\n".join(body) + "\n", pending, section, rel))
            pending = None
            i += 1
            continue
        if line.strip():
            pending = None  # a marker applies only to the block right after it
        i += 1
    return blocks


def readme_examples() -> dict:
    """name -> Block for every `<!-- example: name -->` block."""
    out = {}
    for b in readme_blocks():
        if b.marker and b.marker[0] == "example":
            if b.marker[1] in out:
                raise AssertionError(f"{b.where}: example {b.marker[1]!r} is marked twice")
            out[b.marker[1]] = b
    return out


def python_with_boto3() -> list:
    """This interpreter, then Debian's if it is another one and has boto3."""
    found = [sys.executable]
    if os.path.exists(DEBIAN_PYTHON) and os.path.realpath(DEBIAN_PYTHON) != os.path.realpath(sys.executable):
        ok = subprocess.run([DEBIAN_PYTHON, "-c", "import boto3"], capture_output=True).returncode == 0
        if ok:
            found.append(DEBIAN_PYTHON)
    return found


def aws_clis() -> list:
    """The preferred AWS CLI ($AWS_CLI), then Debian's /usr/bin/aws if it is another one."""
    found = []
    preferred = aws_cli_command()
    if len(preferred) == 1:
        path = shutil.which(preferred[0])
        if path:
            found.append(os.path.realpath(path))
    if os.path.exists("/usr/bin/aws") and os.path.realpath("/usr/bin/aws") not in found:
        found.append(os.path.realpath("/usr/bin/aws"))
    return found


class ReadmeExamplesTest(unittest.TestCase):
    """One fresh emulator per example run (the examples create fixed names such as 'alice')."""

    maxDiff = None
    RUNNERS = ("boto3", "aws-cli", "js-sdk", "control-endpoints", "pytest-fixture", "faults",
               "channel-flow-queue", "throttle", "isolation", "events",
               "pytest-seed", "snapshot", "pytest-plugin", "node-control", "inspector-approve",
               "push-notifications", "bot-queue")

    def setUp(self):
        self.examples = readme_examples()
        self.tmp = tempfile.mkdtemp(prefix="chime-local-readme-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def example(self, name: str) -> Block:
        self.assertIn(name, self.examples, f"no <!-- example: {name} --> block in README.md or docs/")
        return self.examples[name]

    def fresh_emulator(self) -> ChimeLocal:
        emu = ChimeLocal().start()

        def stop():
            rc = emu.stop()
            emu.cleanup()
            self.assertEqual(rc, 0, "chime-local did not exit cleanly")
        self.addCleanup(stop)
        return emu

    def with_endpoint(self, block: Block, endpoint: str) -> str:
        self.assertIn(README_ENDPOINT, block.text,
                      f"{block.where}: the example should point at {README_ENDPOINT}")
        return block.text.replace(README_ENDPOINT, endpoint)

    def node_with_modules(self) -> str:
        """node, with tests/js/node_modules installed (what the JS examples import)."""
        node = shutil.which("node")
        self.assertTrue(node, "node is not installed (scripts/setup.sh)")
        self.assertTrue(os.path.isdir(JS_NODE_MODULES),
                        f"{JS_NODE_MODULES} is missing: run scripts/setup.sh (npm ci)")
        return node

    def write(self, name: str, text: str, directory: str | None = None) -> str:
        path = os.path.join(directory or self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def run_checked(self, cmd: list, cwd: str | None = None, env: dict | None = None,
                    timeout: float = 300) -> str:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            self.fail(f"{' '.join(cmd)} exited {proc.returncode}\n--- stdout ---\n{proc.stdout}"
                      f"\n--- stderr ---\n{proc.stderr}")
        return proc.stdout

    def assert_creator_sent_hello(self, emu: ChimeLocal):
        """What every SDK example leaves behind: a channel whose creator sent 'hello'."""
        identity = make_client("chime-sdk-identity", emu.endpoint)
        messaging = make_client("chime-sdk-messaging", emu.endpoint)
        apps = identity.list_app_instances()["AppInstances"]
        self.assertEqual(len(apps), 1, apps)
        app = apps[0]["AppInstanceArn"]
        admin = identity.create_app_instance_user(
            AppInstanceArn=app, AppInstanceUserId="readme-check", Name="check")["AppInstanceUserArn"]
        identity.create_app_instance_admin(AppInstanceAdminArn=admin, AppInstanceArn=app)
        channels = messaging.list_channels(AppInstanceArn=app, ChimeBearer=admin)["Channels"]
        self.assertEqual(len(channels), 1, channels)
        msgs = messaging.list_channel_messages(ChannelArn=channels[0]["ChannelArn"],
                                               ChimeBearer=admin)["ChannelMessages"]
        self.assertEqual([m["Content"] for m in msgs], ["hello"])

    # -- the README's structure -------------------------------------------------------------

    def test_every_marked_example_is_run_here(self):
        self.assertEqual(sorted(self.examples), sorted(self.RUNNERS),
                         "each <!-- example: NAME --> needs a runner in this file, and each runner "
                         "its README block")

    def test_every_runnable_looking_block_is_marked(self):
        unmarked = [f"{b.where} ({b.lang or 'no language'})" for b in readme_blocks()
                    if b.marker is None and b.section not in EXEMPT_SECTIONS
                    and RUNNABLE_HINT_RE.search(b.text)]
        self.assertEqual(unmarked, [], "these blocks look like runnable examples: mark each with "
                         "<!-- example: NAME --> (and run it in this file) or <!-- not-run: why -->")

    def test_examples_point_at_the_documented_port(self):
        for name, b in self.examples.items():
            if name in ("pytest-fixture", "pytest-seed", "pytest-plugin", "node-control"):
                continue  # starts its own emulator on --port 0
            with self.subTest(example=name):
                self.assertIn(README_ENDPOINT, b.text)

    # -- the examples -----------------------------------------------------------------------

    def test_boto3_example(self):
        block = self.example("boto3")
        self.assertEqual(block.lang, "python")
        for python in python_with_boto3():
            with self.subTest(python=python):
                emu = self.fresh_emulator()
                script = self.write("demo.py", self.with_endpoint(block, emu.endpoint))
                out = self.run_checked([python, script])
                self.assertIn("Alice: hello", out)
                self.assert_creator_sent_hello(emu)

    def test_channel_flow_queue_example(self):
        block = self.example("channel-flow-queue")
        self.assertEqual(block.lang, "python")
        for python in python_with_boto3():
            with self.subTest(python=python):
                emu = self.fresh_emulator()
                script = self.write("flow.py", self.with_endpoint(block, emu.endpoint))
                out = self.run_checked([python, script])
                self.assertIn("sent: PENDING", out)
                self.assertIn("delivered: SENT oh ****", out)

    def test_push_notifications_example(self):
        block = self.example("push-notifications")
        self.assertEqual(block.lang, "python")
        for python in python_with_boto3():
            with self.subTest(python=python):
                emu = self.fresh_emulator()
                script = self.write("push.py", self.with_endpoint(block, emu.endpoint))
                out = self.run_checked([python, script])
                self.assertEqual(out.strip().splitlines(), ["bob APNS Alice lunch? True"])

    def test_bot_queue_example(self):
        block = self.example("bot-queue")
        self.assertEqual(block.lang, "python")
        has_bots = "import botocore.session as s; " \
                   "assert 'CreateAppInstanceBot' in s.get_session().get_service_model('chime-sdk-identity').operation_names"
        pythons = [p for p in python_with_boto3()
                   if subprocess.run([p, "-c", has_bots], capture_output=True).returncode == 0]
        self.assertIn(sys.executable, pythons, "this python's boto3 has no AppInstanceBots")
        for python in pythons:
            with self.subTest(python=python):
                emu = self.fresh_emulator()
                script = self.write("bot.py", self.with_endpoint(block, emu.endpoint))
                out = self.run_checked([python, script])
                self.assertIn("lex text: hi", out)
                self.assertIn('bot: application/amz-chime-lex-msgs {"Messages":[{"Content":"Hello! How can I help?",'
                              '"ContentType":"PlainText"}]}', out)
                self.assertIn('bot: application/amz-chime-lex-error {"Code":"ValidationException"}', out)
                self.assertIn("event: True", out)

    def test_aws_cli_example(self):
        block = self.example("aws-cli")
        self.assertEqual(block.lang, "sh")
        clis = aws_clis()
        self.assertTrue(clis, "no AWS CLI found (scripts/setup.sh installs Debian's awscli)")
        for cli in clis:
            with self.subTest(aws=cli):
                emu = self.fresh_emulator()
                bin_dir = tempfile.mkdtemp(dir=self.tmp)
                os.symlink(cli, os.path.join(bin_dir, "aws"))
                env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
                for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_REGION"):
                    env.pop(var, None)  # the example sets them itself
                script = self.write("demo.sh", self.with_endpoint(block, emu.endpoint), bin_dir)
                out = self.run_checked(["bash", "-e", "-o", "pipefail", script], env=env)
                self.assertIn('"Content": "hello"', out)
                self.assert_creator_sent_hello(emu)

    def test_js_sdk_example(self):
        block = self.example("js-sdk")
        self.assertEqual(block.lang, "js")
        node = self.node_with_modules()
        emu = self.fresh_emulator()
        # demo.mjs in a directory whose node_modules are tests/js's (the two packages the
        # README tells the reader to npm install, pinned by tests/js/package-lock.json).
        os.symlink(JS_NODE_MODULES, os.path.join(self.tmp, "node_modules"))
        self.write("demo.mjs", self.with_endpoint(block, emu.endpoint))
        env = dict(os.environ, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED="true")
        out = self.run_checked([node, "demo.mjs"], cwd=self.tmp, env=env)
        self.assertIn("Alice: hello", out)
        self.assert_creator_sent_hello(emu)

    def test_control_endpoints_example(self):
        block = self.example("control-endpoints")
        self.assertEqual(block.lang, "sh")
        emu = self.fresh_emulator()
        make_client("chime-sdk-identity", emu.endpoint).create_app_instance(Name="before-reset")
        script = self.write("control.sh", self.with_endpoint(block, emu.endpoint))
        out = self.run_checked(["bash", "-e", "-o", "pipefail", script])
        self.assertIn('"status":"ok"', out)
        self.assertIn('"reset":true', out)
        self.assertEqual(make_client("chime-sdk-identity", emu.endpoint).list_app_instances()["AppInstances"], [])

    def test_inspector_approve_example(self):
        block = self.example("inspector-approve")
        self.assertEqual(block.lang, "sh")
        emu = self.fresh_emulator()
        identity = make_client("chime-sdk-identity", emu.endpoint)
        messaging = make_client("chime-sdk-messaging", emu.endpoint)
        app = identity.create_app_instance(Name="inspected")["AppInstanceArn"]
        user = identity.create_app_instance_user(AppInstanceArn=app, AppInstanceUserId="u", Name="u")[
            "AppInstanceUserArn"]
        flow = messaging.create_channel_flow(
            AppInstanceArn=app, Name="f", ClientRequestToken="token-1",
            Processors=[{"Name": "p", "ExecutionOrder": 1, "FallbackAction": "ABORT", "Configuration": {
                "Lambda": {"ResourceArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
                           "InvocationType": "ASYNC"}}}])["ChannelFlowArn"]
        channel = messaging.create_channel(AppInstanceArn=app, Name="c", ChimeBearer=user)["ChannelArn"]
        messaging.associate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow, ChimeBearer=user)
        sent = messaging.send_channel_message(ChannelArn=channel, Content="hi", Type="STANDARD",
                                              Persistence="PERSISTENT", ChimeBearer=user)["MessageId"]
        script = self.write("approve.sh", self.with_endpoint(block, emu.endpoint))
        out = self.run_checked(["bash", "-e", "-o", "pipefail", script])
        self.assertIn('"Status":"SENT"', out)
        self.assertIn('"change":', out)
        got = messaging.get_channel_message(ChannelArn=channel, MessageId=sent, ChimeBearer=user)
        self.assertEqual(got["ChannelMessage"]["Status"]["Value"], "SENT")

    def test_snapshot_example(self):
        block = self.example("snapshot")
        self.assertEqual(block.lang, "sh")
        emu = self.fresh_emulator()
        # Run in a directory whose build/chime-local is the binary under test, as the docs say.
        os.makedirs(os.path.join(self.tmp, "build"))
        os.symlink(emu.binary, os.path.join(self.tmp, "build", "chime-local"))
        script = self.write("snapshot.sh", self.with_endpoint(block, emu.endpoint))
        out = self.run_checked(["bash", "-e", "-o", "pipefail", script], cwd=self.tmp, timeout=60)
        self.assertIn("kept\n", out)  # sqlite3 read the saved file (curl adds no newlines)
        self.assertIn('"restored":true', out)
        # The restored emulator, then the second one started from the file: "kept" only.
        after = out.split('"restored":true', 1)[1]
        self.assertEqual(after.count('"kept"'), 2, out)
        self.assertNotIn('"dropped"', after)
        apps = make_client("chime-sdk-identity", emu.endpoint).list_app_instances()["AppInstances"]
        self.assertEqual([a["Name"] for a in apps], ["kept"])

    def test_faults_example(self):
        block = self.example("faults")
        self.assertEqual(block.lang, "python")
        emu = self.fresh_emulator()
        script = self.write("faults.py", self.with_endpoint(block, emu.endpoint))
        out = self.run_checked([python_with_boto3()[0], script])
        self.assertIn("injected: ServiceUnavailable", out)
        apps = make_client("chime-sdk-identity", emu.endpoint).list_app_instances()["AppInstances"]
        self.assertEqual([a["Name"] for a in apps], ["demo"])  # the faulted calls created nothing

    def test_throttle_example(self):
        block = self.example("throttle")
        emu = self.fresh_emulator()
        script = self.write("throttle.py", self.with_endpoint(block, emu.endpoint))
        out = self.run_checked([python_with_boto3()[0], script])
        self.assertIn("throttled: 429", out)
        self.assertIn("ChannelMessageApis", out)

    def test_isolation_example(self):
        block = self.example("isolation")
        emu = self.fresh_emulator()
        script = self.write("isolation.py", self.with_endpoint(block, emu.endpoint))
        lines = self.run_checked([python_with_boto3()[0], script]).splitlines()
        self.assertTrue(lines[0].startswith("arn:aws:chime:us-east-1:111111111111:app-instance/"), lines)
        self.assertEqual(lines[1], "[]")
        self.assertEqual(lines[2], "account B cannot see it: ForbiddenException")

    def test_events_example(self):
        block = self.example("events")
        self.assertEqual(block.lang, "python")
        emu = self.fresh_emulator()
        script = self.write("events.py", self.with_endpoint(block, emu.endpoint))
        lines = self.run_checked([python_with_boto3()[0], script]).splitlines()
        self.assertEqual(lines, ["CREATE_CHANNEL_MESSAGE hello True", "STANDARD"])

    def test_aws_endpoint_url_note_matches_the_installed_boto3s(self):
        # The README: botocore >= 1.31 reads AWS_ENDPOINT_URL, Debian's boto3 1.26 ignores it.
        # Checked offline: which endpoint a client was built with (no request is sent).
        probe = ("import botocore, boto3; c = boto3.client('chime-sdk-messaging', region_name='us-east-1',"
                 " aws_access_key_id='t', aws_secret_access_key='t');"
                 " print(botocore.__version__); print(c.meta.endpoint_url)")
        endpoint = "http://127.0.0.1:4590"
        for python in python_with_boto3():
            with self.subTest(python=python):
                out = self.run_checked([python, "-c", probe],
                                       env=dict(os.environ, AWS_ENDPOINT_URL=endpoint)).split()
                version = tuple(int(x) for x in out[0].split(".")[:2])
                honoured = out[1] == endpoint
                self.assertEqual(honoured, version >= (1, 31), f"botocore {out[0]} -> {out[1]}")

    def run_pytest_example(self, name: str, filename: str) -> str:
        block = self.example(name)
        self.assertEqual(block.lang, "python")
        self.assertIn("build/chime-local", block.text)
        probe = subprocess.run([DEBIAN_PYTHON, "-c", "import pytest, boto3"], capture_output=True, text=True)
        self.assertEqual(probe.returncode, 0,
                         f"{DEBIAN_PYTHON} lacks pytest or boto3 (scripts/setup.sh installs "
                         f"python3-pytest and python3-boto3): {probe.stderr}")
        # Run from a directory laid out like the repository root: build/chime-local is the
        # binary under test, so the example's relative path is used as written.
        os.makedirs(os.path.join(self.tmp, "build"))
        os.symlink(os.path.abspath(os.environ.get("CHIME_LOCAL_BIN") or os.path.join(REPO, "build", "chime-local")),
                   os.path.join(self.tmp, "build", "chime-local"))
        self.write(filename, block.text)
        return self.run_checked([DEBIAN_PYTHON, "-m", "pytest", "-p", "no:cacheprovider", filename], cwd=self.tmp)

    def test_pytest_fixture_example(self):
        self.assertRegex(self.run_pytest_example("pytest-fixture", "test_chime.py"), r"\b2 passed\b")

    def test_pytest_seed_example(self):
        # Start from a seed file, reset between tests, a fault on the third send, the journal,
        # the clock: the "done when", as a user writes it.
        self.assertRegex(self.run_pytest_example("pytest-seed", "test_seeded.py"), r"\b4 passed\b")

    def test_pytest_plugin_example(self):
        block = self.example("pytest-plugin")
        self.assertEqual(block.lang, "python")
        self.write("test_chat.py", block.text)
        env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "clients", "python", "src"),
                   CHIME_LOCAL_BIN=os.path.abspath(server_binary()), PYTHONDONTWRITEBYTECODE="1")
        env.pop("CHIME_LOCAL_ENDPOINT", None)
        out = self.run_checked([DEBIAN_PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "-p",
                                "chime_local.pytest_plugin", "test_chat.py"], cwd=self.tmp, env=env)
        self.assertRegex(out, r"\b2 passed\b")

    def test_node_control_example(self):
        block = self.example("node-control")
        self.assertEqual(block.lang, "js")
        node = self.node_with_modules()
        modules = os.path.join(self.tmp, "node_modules")
        os.makedirs(modules)
        os.symlink(os.path.join(JS_NODE_MODULES, "@aws-sdk"), os.path.join(modules, "@aws-sdk"))
        os.symlink(os.path.join(REPO, "clients", "node"), os.path.join(modules, "chime-local"))
        self.write("chat.test.mjs", block.text)
        env = dict(os.environ, CHIME_LOCAL_BIN=os.path.abspath(server_binary()),
                   AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED="true")
        env.pop("CHIME_LOCAL_ENDPOINT", None)
        out = self.run_checked([node, "--test", "chat.test.mjs"], cwd=self.tmp, env=env)
        self.assertRegex(out, r"# pass 1\b")


if __name__ == "__main__":
    unittest.main()
