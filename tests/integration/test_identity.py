"""AppInstanceUsers, AppInstanceBots and AppInstanceAdmins through boto3 and the AWS CLI:
every operation, its output members, and the modeled exception class of each refusal."""

import datetime
import unittest

from harness import LEX_BOT_ALIAS_ARN, ChimeTestCase, unique_name

LEX = {"Lex": {"LexBotAliasArn": LEX_BOT_ALIAS_ARN, "LocaleId": "en_US",
               "InvokedBy": {"StandardMessages": "AUTO", "TargetedMessages": "ALL"}}}


class AppInstanceUserTest(ChimeTestCase):
    def setUp(self):
        self.app = self.make_app_instance()

    def test_create_and_describe_user(self):
        resp = self.identity.create_app_instance_user(
            AppInstanceArn=self.app, AppInstanceUserId="us-east-1:alice.a@b_c-d", Name="Alice",
            Metadata="meta", Tags=[{"Key": "team", "Value": "blue"}],
            ExpirationSettings={"ExpirationDays": 30, "ExpirationCriterion": "CREATED_TIMESTAMP"})
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 201)
        arn = resp["AppInstanceUserArn"]
        self.assertEqual(arn, self.app + "/user/us-east-1:alice.a@b_c-d")

        user = self.identity.describe_app_instance_user(AppInstanceUserArn=arn)["AppInstanceUser"]
        self.assertEqual(user["AppInstanceUserArn"], arn)
        self.assertEqual(user["Name"], "Alice")
        self.assertEqual(user["Metadata"], "meta")
        self.assertEqual(user["ExpirationSettings"],
                         {"ExpirationDays": 30, "ExpirationCriterion": "CREATED_TIMESTAMP"})
        self.assertIsInstance(user["CreatedTimestamp"], datetime.datetime)
        self.assertIsInstance(user["LastUpdatedTimestamp"], datetime.datetime)
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now - user["CreatedTimestamp"]).total_seconds()), 300)

        tags = self.identity.list_tags_for_resource(ResourceARN=arn)["Tags"]
        self.assertEqual(tags, [{"Key": "team", "Value": "blue"}])

    def test_duplicate_user_id_is_conflict(self):
        self.make_user(self.app, "bob")
        with self.assertClientError("ConflictException") as ctx:
            self.identity.create_app_instance_user(
                AppInstanceArn=self.app, AppInstanceUserId="bob", Name="Bob again")
        self.assertIn("bob", ctx.message)

    def test_same_token_replays_and_other_params_conflict(self):
        kw = dict(AppInstanceArn=self.app, AppInstanceUserId="carol", Name="Carol",
                  ClientRequestToken="token-carol-1")
        first = self.identity.create_app_instance_user(**kw)["AppInstanceUserArn"]
        again = self.identity.create_app_instance_user(**kw)["AppInstanceUserArn"]
        self.assertEqual(first, again)
        with self.assertClientError("ConflictException"):
            self.identity.create_app_instance_user(**dict(kw, Name="Carol 2"))
        users = self.identity.list_app_instance_users(AppInstanceArn=self.app)["AppInstanceUsers"]
        self.assertEqual([u["AppInstanceUserArn"] for u in users], [first])

    def test_invalid_ids_are_bad_request(self):
        for bad in ("-x", "x-", "a/b", "a" * 65, "sp ace"):
            with self.subTest(user_id=bad), self.assertClientError("BadRequestException"):
                self.raw_identity.create_app_instance_user(
                    AppInstanceArn=self.app, AppInstanceUserId=bad, Name="n",
                    ClientRequestToken=unique_name("tok"))
        with self.assertClientError("BadRequestException"):
            self.raw_identity.create_app_instance_user(
                AppInstanceArn=self.app, AppInstanceUserId="ok", Name="   ",
                ClientRequestToken=unique_name("tok"))
        with self.assertClientError("BadRequestException"):
            self.raw_identity.describe_app_instance_user(AppInstanceUserArn="not-an-arn")

    def test_unknown_app_instance_or_user_is_forbidden(self):
        with self.assertClientError("ForbiddenException"):
            self.identity.create_app_instance_user(
                AppInstanceArn=self.app + "0", AppInstanceUserId="x", Name="x")
        with self.assertClientError("ForbiddenException"):
            self.identity.describe_app_instance_user(AppInstanceUserArn=self.app + "/user/ghost")
        with self.assertClientError("ForbiddenException"):
            self.identity.list_app_instance_users(AppInstanceArn=self.app + "0")

    def test_bot_arn_is_not_a_user(self):
        bot = self.make_bot(self.app)
        with self.assertClientError("ForbiddenException"):
            self.identity.describe_app_instance_user(AppInstanceUserArn=bot)
        with self.assertClientError("ForbiddenException"):
            self.identity.delete_app_instance_user(AppInstanceUserArn=bot)

    def test_list_users_paginates_without_bots(self):
        arns = [self.make_user(self.app, f"u{i}", name=f"User {i}") for i in range(5)]
        self.make_bot(self.app)
        seen, token, pages = [], None, 0
        while True:
            kw = {"AppInstanceArn": self.app, "MaxResults": 2}
            if token:
                kw["NextToken"] = token
            page = self.identity.list_app_instance_users(**kw)
            pages += 1
            self.assertEqual(page["AppInstanceArn"], self.app)
            self.assertLessEqual(len(page["AppInstanceUsers"]), 2)
            seen += page["AppInstanceUsers"]
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual(pages, 3)
        self.assertEqual([u["AppInstanceUserArn"] for u in seen], arns)
        self.assertEqual(seen[0]["Name"], "User 0")

    def test_list_users_bad_token_and_max_results(self):
        self.make_user(self.app)
        self.make_user(self.app)
        token = self.identity.list_app_instance_users(
            AppInstanceArn=self.app, MaxResults=1)["NextToken"]
        other = self.make_app_instance()
        with self.assertClientError("BadRequestException"):
            self.identity.list_app_instance_users(AppInstanceArn=other, NextToken=token)
        with self.assertClientError("BadRequestException"):
            self.raw_identity.list_app_instance_users(AppInstanceArn=self.app, MaxResults=51)

    def test_update_user(self):
        arn = self.make_user(self.app, "dave", name="Dave")
        resp = self.identity.update_app_instance_user(
            AppInstanceUserArn=arn, Name="David", Metadata="m2")
        self.assertEqual(resp["AppInstanceUserArn"], arn)
        user = self.identity.describe_app_instance_user(AppInstanceUserArn=arn)["AppInstanceUser"]
        self.assertEqual((user["Name"], user["Metadata"]), ("David", "m2"))
        with self.assertClientError("ForbiddenException"):
            self.identity.update_app_instance_user(
                AppInstanceUserArn=arn + "x", Name="x", Metadata="")

    def test_delete_user_removes_admin_role_and_frees_the_id(self):
        arn = self.make_user(self.app, "erin")
        self.make_admin(self.app, arn)
        resp = self.identity.delete_app_instance_user(AppInstanceUserArn=arn)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        with self.assertClientError("ForbiddenException"):
            self.identity.describe_app_instance_user(AppInstanceUserArn=arn)
        self.assertEqual(
            self.identity.list_app_instance_admins(AppInstanceArn=self.app)["AppInstanceAdmins"], [])
        with self.assertClientError("ForbiddenException"):
            self.identity.delete_app_instance_user(AppInstanceUserArn=arn)
        self.assertEqual(self.make_user(self.app, "erin"), arn)

    def test_put_expiration_settings(self):
        self.requireModel(self.identity, "PutAppInstanceUserExpirationSettings")
        arn = self.make_user(self.app)
        settings = {"ExpirationDays": 2, "ExpirationCriterion": "CREATED_TIMESTAMP"}
        resp = self.identity.put_app_instance_user_expiration_settings(
            AppInstanceUserArn=arn, ExpirationSettings=settings)
        self.assertEqual(resp["AppInstanceUserArn"], arn)
        self.assertEqual(resp["ExpirationSettings"], settings)
        user = self.identity.describe_app_instance_user(AppInstanceUserArn=arn)["AppInstanceUser"]
        self.assertEqual(user["ExpirationSettings"], settings)
        resp = self.identity.put_app_instance_user_expiration_settings(AppInstanceUserArn=arn)
        self.assertNotIn("ExpirationSettings", resp)
        user = self.identity.describe_app_instance_user(AppInstanceUserArn=arn)["AppInstanceUser"]
        self.assertNotIn("ExpirationSettings", user)
        with self.assertClientError("ForbiddenException"):
            self.identity.put_app_instance_user_expiration_settings(
                AppInstanceUserArn=arn + "x", ExpirationSettings=settings)
        with self.assertClientError("BadRequestException"):
            self.raw_identity.put_app_instance_user_expiration_settings(
                AppInstanceUserArn=arn,
                ExpirationSettings={"ExpirationDays": 1, "ExpirationCriterion": "NEVER"})

    def test_aws_cli_create_describe_list_user(self):
        _, data, _ = self.run_aws(
            "chime-sdk-identity", "create-app-instance-user", "--app-instance-arn", self.app,
            "--app-instance-user-id", "cli-user", "--name", "CLI User", "--metadata", "cm",
            expect_rc=0)
        arn = data["AppInstanceUserArn"]
        self.assertEqual(arn, self.app + "/user/cli-user")
        _, data, _ = self.run_aws(
            "chime-sdk-identity", "describe-app-instance-user", "--app-instance-user-arn", arn,
            expect_rc=0)
        self.assertEqual(data["AppInstanceUser"]["Name"], "CLI User")
        self.assertEqual(data["AppInstanceUser"]["Metadata"], "cm")
        _, data, _ = self.run_aws(
            "chime-sdk-identity", "list-app-instance-users", "--app-instance-arn", self.app,
            expect_rc=0)
        self.assertIn(arn, [u["AppInstanceUserArn"] for u in data["AppInstanceUsers"]])
        rc, _, err = self.run_aws(
            "chime-sdk-identity", "create-app-instance-user", "--app-instance-arn", self.app,
            "--app-instance-user-id", "cli-user", "--name", "again")
        self.assertNotEqual(rc, 0)
        self.assertIn("ConflictException", err)
        rc, _, err = self.run_aws(
            "chime-sdk-identity", "describe-app-instance-user", "--app-instance-user-arn",
            self.app + "/user/nobody")
        self.assertNotEqual(rc, 0)
        self.assertIn("ForbiddenException", err)


class AppInstanceBotTest(ChimeTestCase):
    def setUp(self):
        self.requireModel(self.identity, "CreateAppInstanceBot")
        self.app = self.make_app_instance()

    def test_create_and_describe_bot(self):
        resp = self.identity.create_app_instance_bot(
            AppInstanceArn=self.app, Name="Helper", Metadata="bm", Configuration=LEX,
            Tags=[{"Key": "k", "Value": "v"}])
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 201)
        arn = resp["AppInstanceBotArn"]
        self.assertRegex(arn, "^" + self.app + "/bot/[0-9a-f-]{36}$")
        bot = self.identity.describe_app_instance_bot(AppInstanceBotArn=arn)["AppInstanceBot"]
        self.assertEqual(bot["AppInstanceBotArn"], arn)
        self.assertEqual(bot["Name"], "Helper")
        self.assertEqual(bot["Metadata"], "bm")
        self.assertEqual(bot["Configuration"], LEX)
        self.assertIsInstance(bot["CreatedTimestamp"], datetime.datetime)
        self.assertIsInstance(bot["LastUpdatedTimestamp"], datetime.datetime)
        self.assertEqual(self.identity.list_tags_for_resource(ResourceARN=arn)["Tags"],
                         [{"Key": "k", "Value": "v"}])

    def test_bot_token_idempotency(self):
        kw = dict(AppInstanceArn=self.app, Name="b", Configuration=LEX,
                  ClientRequestToken="bot-token-1")
        a = self.identity.create_app_instance_bot(**kw)["AppInstanceBotArn"]
        b = self.identity.create_app_instance_bot(**kw)["AppInstanceBotArn"]
        self.assertEqual(a, b)
        with self.assertClientError("ConflictException"):
            self.identity.create_app_instance_bot(**dict(kw, Name="c"))
        bots = self.identity.list_app_instance_bots(AppInstanceArn=self.app)["AppInstanceBots"]
        self.assertEqual([x["AppInstanceBotArn"] for x in bots], [a])

    def test_describe_bot_not_found(self):
        user = self.make_user(self.app)
        with self.assertClientError("NotFoundException"):
            self.identity.describe_app_instance_bot(AppInstanceBotArn=user)
        with self.assertClientError("NotFoundException"):
            self.identity.describe_app_instance_bot(
                AppInstanceBotArn=self.app + "/bot/00000000-0000-0000-0000-000000000000")

    def test_create_bot_refusals(self):
        with self.assertClientError("ForbiddenException"):
            self.identity.create_app_instance_bot(
                AppInstanceArn=self.app + "0", Name="b", Configuration=LEX)
        bad = {"Lex": dict(LEX["Lex"], LexBotAliasArn="arn:aws:lex:us-east-1:1:bot-alias/x/y")}
        with self.assertClientError("BadRequestException"):
            self.raw_identity.create_app_instance_bot(
                AppInstanceArn=self.app, Name="b", Configuration=bad,
                ClientRequestToken=unique_name("tok"))

    def test_list_update_delete_bot(self):
        b1 = self.make_bot(self.app, name="b1")
        self.make_user(self.app)
        b2 = self.make_bot(self.app, name="b2")
        page = self.identity.list_app_instance_bots(AppInstanceArn=self.app, MaxResults=1)
        self.assertEqual(page["AppInstanceArn"], self.app)
        self.assertEqual([(x["AppInstanceBotArn"], x["Name"]) for x in page["AppInstanceBots"]],
                         [(b1, "b1")])
        page = self.identity.list_app_instance_bots(
            AppInstanceArn=self.app, MaxResults=1, NextToken=page["NextToken"])
        self.assertEqual([x["AppInstanceBotArn"] for x in page["AppInstanceBots"]], [b2])
        self.assertNotIn("NextToken", page)

        new_cfg = {"Lex": dict(LEX["Lex"], InvokedBy={"StandardMessages": "MENTIONS",
                                                      "TargetedMessages": "NONE"})}
        resp = self.identity.update_app_instance_bot(
            AppInstanceBotArn=b1, Name="renamed", Metadata="m", Configuration=new_cfg)
        self.assertEqual(resp["AppInstanceBotArn"], b1)
        bot = self.identity.describe_app_instance_bot(AppInstanceBotArn=b1)["AppInstanceBot"]
        self.assertEqual((bot["Name"], bot["Metadata"], bot["Configuration"]),
                         ("renamed", "m", new_cfg))

        resp = self.identity.delete_app_instance_bot(AppInstanceBotArn=b1)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        with self.assertClientError("NotFoundException"):
            self.identity.describe_app_instance_bot(AppInstanceBotArn=b1)
        with self.assertClientError("ForbiddenException"):
            self.identity.delete_app_instance_bot(AppInstanceBotArn=b1)


class AppInstanceAdminTest(ChimeTestCase):
    def setUp(self):
        self.app = self.make_app_instance()

    def test_create_admin_response(self):
        user = self.make_user(self.app, name="Alice")
        resp = self.identity.create_app_instance_admin(
            AppInstanceAdminArn=user, AppInstanceArn=self.app)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual(resp["AppInstanceAdmin"], {"Arn": user, "Name": "Alice"})
        self.assertEqual(resp["AppInstanceArn"], self.app)
        # Promoting again is an idempotent success.
        again = self.identity.create_app_instance_admin(
            AppInstanceAdminArn=user, AppInstanceArn=self.app)
        self.assertEqual(again["AppInstanceAdmin"], {"Arn": user, "Name": "Alice"})
        admins = self.identity.list_app_instance_admins(AppInstanceArn=self.app)
        self.assertEqual(admins["AppInstanceAdmins"], [{"Admin": {"Arn": user, "Name": "Alice"}}])

    def test_bot_can_be_admin(self):
        bot = self.make_bot(self.app, name="Robo")
        resp = self.identity.create_app_instance_admin(
            AppInstanceAdminArn=bot, AppInstanceArn=self.app)
        self.assertEqual(resp["AppInstanceAdmin"], {"Arn": bot, "Name": "Robo"})

    def test_create_admin_refusals(self):
        other = self.make_app_instance()
        stranger = self.make_user(other)
        with self.assertClientError("ForbiddenException"):
            self.identity.create_app_instance_admin(
                AppInstanceAdminArn=stranger, AppInstanceArn=self.app)
        with self.assertClientError("ForbiddenException"):
            self.identity.create_app_instance_admin(
                AppInstanceAdminArn=self.app + "/user/ghost", AppInstanceArn=self.app)
        with self.assertClientError("ForbiddenException"):
            self.identity.create_app_instance_admin(
                AppInstanceAdminArn=stranger, AppInstanceArn=self.app + "0")
        with self.assertClientError("BadRequestException"):
            self.identity.create_app_instance_admin(
                AppInstanceAdminArn=self.app + "/channel/c1", AppInstanceArn=self.app)
        with self.assertClientError("BadRequestException"):
            self.raw_identity.create_app_instance_admin(
                AppInstanceAdminArn="arn", AppInstanceArn=self.app)
        self.assertEqual(
            self.identity.list_app_instance_admins(AppInstanceArn=self.app)["AppInstanceAdmins"], [])

    def test_list_admins_paginates(self):
        admins = [self.make_admin(self.app, self.make_user(self.app)) for _ in range(3)]
        self.make_user(self.app)  # not an admin
        page = self.identity.list_app_instance_admins(AppInstanceArn=self.app, MaxResults=2)
        self.assertEqual(page["AppInstanceArn"], self.app)
        got = [a["Admin"]["Arn"] for a in page["AppInstanceAdmins"]]
        page = self.identity.list_app_instance_admins(
            AppInstanceArn=self.app, MaxResults=2, NextToken=page["NextToken"])
        got += [a["Admin"]["Arn"] for a in page["AppInstanceAdmins"]]
        self.assertNotIn("NextToken", page)
        self.assertEqual(got, admins)
        with self.assertClientError("ForbiddenException"):
            self.identity.list_app_instance_admins(AppInstanceArn=self.app + "0")

    def test_describe_and_delete_admin(self):
        user = self.make_admin(self.app, self.make_user(self.app, name="Ann"))
        plain = self.make_user(self.app)
        adm = self.identity.describe_app_instance_admin(
            AppInstanceAdminArn=user, AppInstanceArn=self.app)["AppInstanceAdmin"]
        self.assertEqual(adm["Admin"], {"Arn": user, "Name": "Ann"})
        self.assertEqual(adm["AppInstanceArn"], self.app)
        self.assertIsInstance(adm["CreatedTimestamp"], datetime.datetime)
        with self.assertClientError("ForbiddenException"):
            self.identity.describe_app_instance_admin(
                AppInstanceAdminArn=plain, AppInstanceArn=self.app)

        resp = self.identity.delete_app_instance_admin(
            AppInstanceAdminArn=user, AppInstanceArn=self.app)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.identity.describe_app_instance_user(AppInstanceUserArn=user)  # still exists
        with self.assertClientError("ForbiddenException"):
            self.identity.delete_app_instance_admin(
                AppInstanceAdminArn=user, AppInstanceArn=self.app)

    def test_aws_cli_create_and_list_admin(self):
        user = self.make_user(self.app, name="Cli Admin")
        _, data, _ = self.run_aws(
            "chime-sdk-identity", "create-app-instance-admin", "--app-instance-arn", self.app,
            "--app-instance-admin-arn", user, expect_rc=0)
        self.assertEqual(data["AppInstanceAdmin"], {"Arn": user, "Name": "Cli Admin"})
        _, data, _ = self.run_aws(
            "chime-sdk-identity", "list-app-instance-admins", "--app-instance-arn", self.app,
            expect_rc=0)
        self.assertEqual(data["AppInstanceAdmins"], [{"Admin": {"Arn": user, "Name": "Cli Admin"}}])


if __name__ == "__main__":
    unittest.main()
