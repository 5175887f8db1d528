"""Seed files: --seed-file at start, POST /_chime-local/seed at run time, reset restoring the
start seed, and invalid seeds refused whole (nothing half-made), with boto3."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import ChimeLocal, ChimeTestCase, server_binary

APP_ID = "00000000-0000-4000-8000-000000000001"
APP = f"arn:aws:chime:us-east-1:123456789012:app-instance/{APP_ID}"
ALICE, BOB, CAROL, DAVE = (f"{APP}/user/{u}" for u in ("alice", "bob", "carol", "dave"))
CHANNEL = f"{APP}/channel/general"
MSG1, MSG2 = "1" * 64, "2" * 64


def message(bearer, content, message_id=None, channel=CHANNEL):
    m = {"ChannelArn": channel, "Content": content, "Type": "STANDARD", "Persistence": "PERSISTENT",
         "ChimeBearer": bearer}
    if message_id:
        m["MessageId"] = message_id
    return m


SEED = {
    "AppInstances": [{"Name": "seeded-app", "AppInstanceId": APP_ID}],
    "AppInstanceUsers": [{"AppInstanceArn": APP, "AppInstanceUserId": u, "Name": u.title()}
                         for u in ("alice", "bob", "carol", "dave")],
    "AppInstanceBots": [{"AppInstanceArn": APP, "Name": "helper",
                         "Configuration": {"Lex": {"RespondsTo": "STANDARD_MESSAGES",
                                                   "LexBotAliasArn": "arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/KLMNOPQRST",
                                                   "LocaleId": "en_US"}}}],
    "AppInstanceAdmins": [{"AppInstanceArn": APP, "AppInstanceAdminArn": CAROL}],
    "Channels": [{"AppInstanceArn": APP, "Name": "General", "ChannelId": "general", "Mode": "RESTRICTED",
                  "Privacy": "PRIVATE", "ChimeBearer": ALICE}],
    "ChannelMemberships": [{"ChannelArn": CHANNEL, "MemberArn": BOB, "Type": "DEFAULT", "ChimeBearer": ALICE}],
    "ChannelModerators": [{"ChannelArn": CHANNEL, "ChannelModeratorArn": BOB, "ChimeBearer": ALICE}],
    "ChannelBans": [{"ChannelArn": CHANNEL, "MemberArn": DAVE, "ChimeBearer": ALICE}],
    "ChannelMessages": [message(ALICE, "hello", MSG1), message(BOB, "hi alice", MSG2), message(ALICE, "no id")],
}


class SeedFileTests(ChimeTestCase):
    @classmethod
    def setUpClass(cls):
        cls._seed_dir = tempfile.mkdtemp(prefix="chime-local-seed-")
        path = os.path.join(cls._seed_dir, "seed.json")
        with open(path, "w") as f:
            json.dump(SEED, f)
        cls.server_args = ("--seed-file", path)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls._seed_dir, ignore_errors=True)

    def post_seed(self, body):
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        status, _, raw = self.raw_request("POST", "/_chime-local/seed", body=data)
        return status, json.loads(raw or b"null")

    def app_instances(self):
        return {a["AppInstanceArn"] for a in self.identity.list_app_instances()["AppInstances"]}

    def test_hard_coded_arns_work(self):
        self.assertEqual(self.identity.describe_app_instance(AppInstanceArn=APP)["AppInstance"]["Name"],
                         "seeded-app")
        channel = self.messaging.describe_channel(ChannelArn=CHANNEL, ChimeBearer=ALICE)["Channel"]
        self.assertEqual((channel["Name"], channel["Mode"], channel["Privacy"]), ("General", "RESTRICTED", "PRIVATE"))
        msgs = self.messaging.list_channel_messages(ChannelArn=CHANNEL, ChimeBearer=BOB,
                                                    SortOrder="ASCENDING")["ChannelMessages"]
        self.assertEqual([m["Content"] for m in msgs], ["hello", "hi alice", "no id"])
        self.assertEqual([m["MessageId"] for m in msgs[:2]], [MSG1, MSG2])
        self.assertRegex(msgs[2]["MessageId"], r"^[0-9a-f]{64}$")
        self.assertEqual(msgs[1]["Sender"]["Arn"], BOB)
        got = self.messaging.get_channel_message(ChannelArn=CHANNEL, MessageId=MSG1, ChimeBearer=BOB)
        self.assertEqual(got["ChannelMessage"]["Content"], "hello")
        member = self.messaging.describe_channel_membership(ChannelArn=CHANNEL, MemberArn=BOB, ChimeBearer=ALICE)
        self.assertEqual(member["ChannelMembership"]["Member"]["Arn"], BOB)
        moderator = self.messaging.describe_channel_moderator(ChannelArn=CHANNEL, ChannelModeratorArn=BOB,
                                                               ChimeBearer=ALICE)
        self.assertEqual(moderator["ChannelModerator"]["Moderator"]["Arn"], BOB)
        bans = self.messaging.list_channel_bans(ChannelArn=CHANNEL, ChimeBearer=ALICE)["ChannelBans"]
        self.assertEqual([b["Member"]["Arn"] for b in bans], [DAVE])
        admins = self.identity.list_app_instance_admins(AppInstanceArn=APP)["AppInstanceAdmins"]
        self.assertEqual([a["Admin"]["Arn"] for a in admins], [CAROL])
        bots = self.identity.list_app_instance_bots(AppInstanceArn=APP)["AppInstanceBots"]
        self.assertEqual([b["Name"] for b in bots], ["helper"])
        # The creator became a member and moderator, as CreateChannel does.
        self.messaging.describe_channel_moderator(ChannelArn=CHANNEL, ChannelModeratorArn=ALICE, ChimeBearer=ALICE)

    def test_seed_at_run_time_answers_what_it_created(self):
        app_id = "00000000-0000-4000-8000-0000000000a2"
        app = f"arn:aws:chime:us-east-1:123456789012:app-instance/{app_id}"
        user = f"{app}/user/u1"
        channel = f"{app}/channel/room"
        status, body = self.post_seed({
            "AppInstances": [{"Name": "runtime", "AppInstanceId": app_id}],
            "AppInstanceUsers": [{"AppInstanceArn": app, "AppInstanceUserId": "u1", "Name": "U1"}],
            "Channels": [{"AppInstanceArn": app, "Name": "Room", "ChannelId": "room", "ChimeBearer": user}],
            "ChannelMessages": [message(user, "first", "ab" * 32, channel=channel)],
        })
        self.assertEqual(status, 200, body)
        self.assertEqual(body["AppInstances"], [app])
        self.assertEqual(body["AppInstanceUsers"], [user])
        self.assertEqual(body["Channels"], [channel])
        self.assertEqual(body["ChannelMessages"], [{"ChannelArn": channel, "MessageId": "ab" * 32}])
        self.assertEqual(self.messaging.describe_channel(ChannelArn=channel, ChimeBearer=user)["Channel"]["Name"],
                         "Room")

    def test_invalid_seeds_create_nothing(self):
        new_id = "00000000-0000-4000-8000-0000000000b3"
        new_app = f"arn:aws:chime:us-east-1:123456789012:app-instance/{new_id}"
        good_start = {"AppInstances": [{"Name": "doomed", "AppInstanceId": new_id}],
                      "AppInstanceUsers": [{"AppInstanceArn": new_app, "AppInstanceUserId": "x", "Name": "X"}]}
        cases = {
            "bad channel name": ({"Channels": [{"AppInstanceArn": new_app, "Name": "", "ChimeBearer": f"{new_app}/user/x"}]},
                                 "Seed Channels[0]: BadRequestException:"),
            "unknown member": ({"Channels": [{"AppInstanceArn": new_app, "Nmae": "y", "ChimeBearer": f"{new_app}/user/x"}]},
                               "Seed Channels[0]: unknown member Nmae"),
            "unknown bearer": ({"Channels": [{"AppInstanceArn": new_app, "Name": "y", "ChimeBearer": f"{new_app}/user/ghost"}]},
                               "Seed Channels[0]: "),
            "duplicate channel id": ({"Channels": [{"AppInstanceArn": APP, "Name": "y", "ChannelId": "general",
                                                    "ChimeBearer": ALICE}]},
                                     "Seed Channels[0]: ConflictException:"),
            "duplicate message id": ({"ChannelMessages": [message(ALICE, "again", MSG1)]},
                                     "Seed ChannelMessages[0]: ConflictException:"),
        }
        before = self.app_instances()
        messages_before = self.messaging.list_channel_messages(ChannelArn=CHANNEL, ChimeBearer=ALICE)["ChannelMessages"]
        for name, (bad, expected) in cases.items():
            with self.subTest(name):
                status, body = self.post_seed({**good_start, **bad})
                self.assertEqual(status, 400, body)
                self.assertEqual(body["Code"], "BadRequest")
                self.assertIn(expected, body["Message"])
                self.assertEqual(self.app_instances(), before)
                # (AWS answers ForbiddenException for an app instance that does not exist.)
                with self.assertClientError("ForbiddenException"):
                    self.identity.describe_app_instance(AppInstanceArn=new_app)
        with self.subTest("malformed JSON"):
            status, body = self.post_seed('{"AppInstances": [{"Name": "x"}')
            self.assertEqual(status, 400, body)
            self.assertIn("Seed: malformed JSON", body["Message"])
            self.assertEqual(self.app_instances(), before)
        with self.subTest("duplicate AppInstanceId in one seed"):
            status, body = self.post_seed({"AppInstances": [{"Name": "a", "AppInstanceId": new_id},
                                                            {"Name": "b", "AppInstanceId": new_id}]})
            self.assertEqual(status, 400, body)
            self.assertIn("Seed AppInstances[1]: AppInstanceId", body["Message"])
            self.assertEqual(self.app_instances(), before)
        after = self.messaging.list_channel_messages(ChannelArn=CHANNEL, ChimeBearer=ALICE)["ChannelMessages"]
        self.assertEqual(after, messages_before)

    def test_a_deeply_nested_seed_is_400_naming_the_limit_and_the_server_lives(self):
        # 400,000 levels (800 KB, under --max-body-bytes) overflowed the stack in the seed's
        # recursive copies (from about 200,000 on): the process died of SIGSEGV.
        deep = '{"AppInstances": [{"Name": "a", "Tags": ' + "[" * 400000 + "]" * 400000 + "}]}"
        before = self.app_instances()
        status, headers, raw = self.raw_request("POST", "/_chime-local/seed", body=deep)
        self.assertEqual(status, 400, raw[:300])
        self.assertEqual(headers.get("x-amzn-errortype"), "BadRequestException")
        self.assertIn("Seed: JSON nested deeper than 64 levels of arrays and objects", json.loads(raw)["Message"])
        self.assertEqual(self.server.health()[0], 200)
        self.assertEqual(self.app_instances(), before)

    def test_the_api_cannot_choose_an_app_instance_id(self):
        # An unknown body member is ignored on the wire, as by AWS.
        status, _, raw = self.raw_request("POST", "/app-instances", body=json.dumps(
            {"Name": "api", "ClientRequestToken": "tok-1", "AppInstanceId": "00000000-0000-4000-8000-0000000000c4"}))
        self.assertEqual(status, 201)
        self.assertNotIn("0000000000c4", json.loads(raw)["AppInstanceArn"])

    def test_reset_restores_the_start_seed(self):
        extra = self.identity.create_app_instance(Name="extra", ClientRequestToken="t-extra")["AppInstanceArn"]
        self.messaging.send_channel_message(ChannelArn=CHANNEL, Content="later", Type="STANDARD",
                                            Persistence="PERSISTENT", ChimeBearer=ALICE)
        status, _, raw = self.raw_request("POST", "/_chime-local/reset")
        self.assertEqual(status, 200, raw)
        self.assertEqual(json.loads(raw)["seeded"]["AppInstances"], [APP])
        self.assertEqual(self.app_instances(), {APP})
        self.assertNotIn(extra, self.app_instances())
        msgs = self.messaging.list_channel_messages(ChannelArn=CHANNEL, ChimeBearer=ALICE)["ChannelMessages"]
        self.assertEqual(len(msgs), 3)
        # ?seed=false empties the store; the next reset brings the seed back.
        status, _, raw = self.raw_request("POST", "/_chime-local/reset?seed=false")
        self.assertEqual(status, 200, raw)
        self.assertEqual(self.app_instances(), set())
        self.assertEqual(self.raw_request("POST", "/_chime-local/reset")[0], 200)
        self.assertEqual(self.app_instances(), {APP})


class SeedFileAtStartTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="chime-local-seed-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def write(self, name, content):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(content if isinstance(content, str) else json.dumps(content))
        return path

    def run_with(self, path):
        return subprocess.run([server_binary(), "--in-memory", "--host", "127.0.0.1", "--port", "0",
                               "--seed-file", path], capture_output=True, text=True, timeout=30)

    def test_invalid_seed_file_stops_the_start(self):
        cases = {
            "bad.json": (dict(SEED, ChannelMessages=[message(ALICE, "x"), message(f"{APP}/user/ghost", "y")]),
                         "Seed ChannelMessages[1]: "),
            "typo.json": ({"AppInstance": []}, 'unknown key "AppInstance"'),
            "broken.json": ("{", "Seed: malformed JSON"),
        }
        for name, (content, expected) in cases.items():
            with self.subTest(name):
                path = self.write(name, content)
                p = self.run_with(path)
                self.assertNotEqual(p.returncode, 0, p.stderr)
                self.assertIn(f"invalid --seed-file {path}: ", p.stderr)
                self.assertIn(expected, p.stderr)
                self.assertNotIn("listening", p.stdout)
        p = self.run_with(os.path.join(self.dir, "missing.json"))
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("cannot read --seed-file", p.stderr)

    def test_a_deeply_nested_seed_file_exits_1_naming_the_limit(self):
        # It died of SIGSEGV at start instead.
        path = self.write("deep.json", '{"AppInstances": [{"Name": "a", "Tags": ' + "[" * 400000 +
                          "]" * 400000 + "}]}")
        p = self.run_with(path)
        self.assertEqual(p.returncode, 1, p.stderr[-2000:])
        self.assertIn(f"invalid --seed-file {path}: Seed: JSON nested deeper than 64 levels of arrays and objects",
                      p.stderr)

    def test_a_restart_on_the_same_data_keeps_it(self):
        path = self.write("seed.json", SEED)
        emu = ChimeLocal(log_level="info")
        self.addCleanup(emu.cleanup)
        try:
            emu.start(data_file=os.path.join(self.dir, "data.db"), extra_args=["--seed-file", path])
            identity = emu.identity_client()
            identity.create_app_instance(Name="mine", ClientRequestToken="t-mine")
            self.assertIn("seeded from", emu.log_text())
            # The store is not empty: the seed (whose fixed ids exist) is not applied again.
            self.assertEqual(emu.restart(), 0)
            identity = emu.identity_client()
            names = sorted(a["Name"] for a in identity.list_app_instances()["AppInstances"])
            self.assertEqual(names, ["mine", "seeded-app"])
            self.assertIn("--seed-file " + path + " not applied", emu.log_text())
            # Reset on a file-backed store: back to the seed (a control write on the writer).
            status, _, raw = emu.raw_request("POST", "/_chime-local/reset")
            self.assertEqual(status, 200, raw)
            names = [a["Name"] for a in identity.list_app_instances()["AppInstances"]]
            self.assertEqual(names, ["seeded-app"])
        finally:
            self.assertEqual(emu.stop(), 0)


if __name__ == "__main__":
    unittest.main()
