#!/usr/bin/env python3
"""Writes the seeds of fuzz_snapshot into tests/fuzz/corpus/snapshot/ (committed): a tiny valid
snapshot of a store with one app instance, user, channel, flow and message (GET
/_chime-local/snapshot of a running server), and crafted variants of it made with python's
sqlite3 (a version-2 file with a recursive view, a table without its foreign key, a number out
of range, an empty processor list, a trigger). Re-run after a schema migration:

    CHIME_LOCAL_BIN=build/chime-local python3 tests/fuzz/make_snapshot_corpus.py
"""
import os
import sqlite3
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from harness import ChimeLocal, raw_request  # noqa: E402

OUT = os.path.join(HERE, "corpus", "snapshot")
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:f"


def variant(valid: bytes, *statements) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "s.sqlite3")
        with open(path, "wb") as f:
            f.write(valid)
        db = sqlite3.connect(path)
        db.execute("PRAGMA foreign_keys=OFF")
        for sql in statements:
            db.executescript(sql)
        db.commit()
        db.execute("PRAGMA page_size = 512")  # small seeds: libFuzzer mutates every byte
        db.execute("VACUUM")
        db.close()
        with open(path, "rb") as f:
            return f.read()


def main():
    with ChimeLocal().start() as emu:
        identity, messaging = emu.identity_client(), emu.messaging_client()
        app = identity.create_app_instance(Name="a", ClientRequestToken="t1")["AppInstanceArn"]
        user = identity.create_app_instance_user(AppInstanceArn=app, AppInstanceUserId="u", Name="u",
                                                 ClientRequestToken="t2")["AppInstanceUserArn"]
        flow = messaging.create_channel_flow(
            AppInstanceArn=app, Name="f", ClientRequestToken="t3",
            Processors=[{"Name": "p", "ExecutionOrder": 1, "FallbackAction": "CONTINUE",
                         "Configuration": {"Lambda": {"ResourceArn": LAMBDA, "InvocationType": "ASYNC"}}}])
        channel = messaging.create_channel(AppInstanceArn=app, Name="c", ChimeBearer=user,
                                           ClientRequestToken="t4")["ChannelArn"]
        messaging.send_channel_message(ChannelArn=channel, Content="hi", Type="STANDARD",
                                       Persistence="PERSISTENT", ChimeBearer=user)
        messaging.associate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow["ChannelFlowArn"],
                                         ChimeBearer=user)
        status, _, valid = raw_request(emu.endpoint, "GET", "/_chime-local/snapshot")
        assert status == 200, valid
    seeds = {
        "valid.sqlite3": variant(valid),
        "recursive_view_v2.sqlite3": variant(
            valid, "DROP INDEX channels_by_flow; DROP TABLE channel_flow_invocations; UPDATE channels SET "
            "channel_flow_arn = NULL; DROP TABLE channel_flows; DROP TABLE messaging_streaming_configurations; "
            "DROP TABLE client_tokens;",
            "CREATE VIEW idempotency_tokens AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
            "SELECT 's|' || n AS scope, 't' AS token, '00' AS request_hash, 'r' AS response, n AS created_ms FROM r",
            "PRAGMA user_version = 2"),
        "no_foreign_key.sqlite3": variant(
            valid, "DROP TABLE channel_moderators",
            "CREATE TABLE channel_moderators (id INTEGER PRIMARY KEY, channel_arn TEXT NOT NULL, moderator_arn TEXT "
            "NOT NULL, created_by_arn TEXT NOT NULL, created_ms INTEGER NOT NULL, UNIQUE (channel_arn, moderator_arn))",
            "CREATE INDEX moderators_by_member ON channel_moderators(moderator_arn, id)"),
        "retention_2_62.sqlite3": variant(valid, f"UPDATE app_instances SET retention_days = {2**62}"),
        "empty_processors.sqlite3": variant(valid, "UPDATE channel_flows SET processors = '[]'"),
        "trigger.sqlite3": variant(valid, "CREATE TRIGGER t AFTER INSERT ON tags BEGIN DELETE FROM tags; END"),
    }
    os.makedirs(OUT, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
