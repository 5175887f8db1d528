"""chime_local.Control against the built binary, through the plugin's `chime` fixture."""
import datetime
import threading

import pytest
from botocore.config import Config

from chime_local import ControlError

NO_RETRY = Config(retries={"total_max_attempts": 1})
APP = "arn:aws:chime:us-east-1:123456789012:app-instance/00000000-0000-4000-8000-000000000001"


def make_channel(chime):
    app = chime.identity.create_app_instance(Name="demo")["AppInstanceArn"]
    user = chime.identity.create_app_instance_user(AppInstanceArn=app, AppInstanceUserId="alice",
                                                   Name="Alice")["AppInstanceUserArn"]
    channel = chime.messaging.create_channel(AppInstanceArn=app, Name="general", ChimeBearer=user)["ChannelArn"]
    return app, user, channel


def send(messaging, channel, user, text="hi"):
    return messaging.send_channel_message(ChannelArn=channel, Content=text, Type="STANDARD",
                                          Persistence="PERSISTENT", ChimeBearer=user)


def test_health(chime):
    health = chime.control.health()
    assert health["status"] == "ok"
    assert health["storage"] == "memory"


def test_a_test_leaves_data_behind(chime):
    make_channel(chime)
    assert len(chime.identity.list_app_instances()["AppInstances"]) == 1


def test_the_next_test_starts_empty(chime):
    assert chime.control.requests() == []
    assert chime.identity.list_app_instances()["AppInstances"] == []


def test_reset_one_app_instance_keeps_the_others(chime):
    app, _, _ = make_channel(chime)
    other = chime.identity.create_app_instance(Name="other")["AppInstanceArn"]
    assert chime.control.reset(app_instance_arn=app) == {"reset": True, "appInstanceArn": app}
    assert [a["AppInstanceArn"] for a in chime.identity.list_app_instances()["AppInstances"]] == [other]
    with pytest.raises(ControlError) as e:
        chime.control.reset(app_instance_arn=app)
    assert (e.value.status, e.value.type) == (404, "NotFoundException")


def test_seed_and_if_empty(chime):
    seed = {"AppInstances": [{"Name": "seeded", "AppInstanceId": APP.rsplit("/", 1)[1]}]}
    assert chime.control.seed(seed) == {"AppInstances": [APP]}
    assert chime.control.seed(seed, if_empty=True) == {"skipped": True}
    assert chime.identity.describe_app_instance(AppInstanceArn=APP)["AppInstance"]["Name"] == "seeded"
    with pytest.raises(ControlError) as e:
        chime.control.seed({"AppInstances": [{"Nmae": "typo"}]})
    assert e.value.status == 400 and e.value.type == "BadRequestException"
    assert "Nmae" in e.value.message
    chime.control.reset(seed=False)
    assert chime.identity.list_app_instances()["AppInstances"] == []


def test_snapshot_and_restore(chime):
    chime.identity.create_app_instance(Name="kept")
    saved = chime.control.snapshot()
    assert saved.startswith(b"SQLite format 3\0")
    chime.identity.create_app_instance(Name="dropped")
    assert chime.control.restore(saved)["restored"] is True
    assert [a["Name"] for a in chime.identity.list_app_instances()["AppInstances"]] == ["kept"]
    with pytest.raises(ControlError) as e:
        chime.control.restore(b"not a database")
    assert e.value.status == 400


def test_faults(chime):
    identity = chime.client("chime-sdk-identity", config=NO_RETRY)
    rule = chime.control.add_fault({"operation": "CreateAppInstance", "error": "ServiceUnavailableException"})
    assert [f["id"] for f in chime.control.faults()] == [rule["id"]]
    with pytest.raises(identity.exceptions.ServiceUnavailableException):
        identity.create_app_instance(Name="faulted")
    chime.control.remove_fault(rule["id"])
    assert chime.control.faults() == []
    rules = chime.control.add_fault([{"operation": "ListAppInstances", "latencyMs": 1},
                                     {"operation": "DescribeAppInstance", "error": "NotFoundException"}])
    assert len(rules) == 2
    chime.control.clear_faults()
    assert chime.control.faults() == []
    identity.create_app_instance(Name="works")
    with pytest.raises(ControlError) as e:
        chime.control.add_fault({"operation": "NoSuchOperation", "error": "BadRequestException"})
    assert (e.value.status, e.value.type) == (400, "BadRequestException")
    assert "NoSuchOperation" in e.value.message
    with pytest.raises(ControlError) as e:
        chime.control.remove_fault(424242)
    assert e.value.status == 404


def test_throttle(chime):
    _, user, channel = make_channel(chime)
    assert chime.control.throttle()["enabled"] is False
    settings = chime.control.throttle(enabled=True, quotas={"ChannelMessageApis": 1})
    assert settings["enabled"] is True
    messaging = chime.client("chime-sdk-messaging", config=NO_RETRY)
    with pytest.raises(messaging.exceptions.ThrottledClientException):
        for i in range(3):
            send(messaging, channel, user, f"m{i}")
    settings = chime.control.throttle(enabled=False, reset=True)
    quota = next(q for q in settings["quotas"] if q["name"] == "ChannelMessageApis")
    assert quota["rate"] == quota["defaultRate"]
    with pytest.raises(ControlError):
        chime.control.throttle(quotas={"NoSuchQuota": 1})


def test_clock(chime):
    before = chime.control.clock.get()
    assert before["offsetSeconds"] == 0
    assert chime.control.clock.advance(3600)["offsetSeconds"] == pytest.approx(3600)
    target = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=2)
    chime.control.clock.set(target)
    assert chime.control.clock.now() == pytest.approx(target.timestamp(), abs=5)
    with pytest.raises(ValueError, match="only moves forward"):
        chime.control.clock.set(target - datetime.timedelta(days=1))
    chime.control.clock.reset()
    assert chime.control.clock.get()["offsetSeconds"] == 0


def test_the_clock_expires_channels(chime):
    # Seeded: Debian's boto3 1.26 predates CreateChannel's ExpirationSettings.
    chime.control.seed({
        "AppInstances": [{"Name": "demo", "AppInstanceId": APP.rsplit("/", 1)[1]}],
        "AppInstanceUsers": [{"AppInstanceArn": APP, "AppInstanceUserId": "alice", "Name": "Alice"}],
        "Channels": [{"AppInstanceArn": APP, "ChannelId": "scratch", "Name": "Scratch", "ChimeBearer": APP + "/user/alice",
                      "ExpirationSettings": {"ExpirationDays": 1, "ExpirationCriterion": "CREATED_TIMESTAMP"}}]})
    assert chime.control.clock.advance(2 * 86400)["expired"]["channels"] == 1


def test_request_journal(chime):
    _, user, channel = make_channel(chime)
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)
    send(chime.messaging, channel, user, "one")
    send(chime.messaging, channel, user, "two")
    sent = chime.control.requests(operation="SendChannelMessage", status=201, bearer=user, channel_arn=channel)
    assert len(sent) == 2 and sent[0]["input"]["Content"] == "***"
    assert len(chime.control.requests(limit=1)) == 1
    assert len(chime.control.requests(operation="SendChannelMessage", since=start)) == 2
    chime.control.clear_requests()
    assert chime.control.requests() == []
    with pytest.raises(ControlError):
        chime.control.requests(status="abc")


def test_operations(chime):
    ops = chime.control.operations()
    assert "SendChannelMessage" in ops["chime-sdk-messaging"]["implemented"]


def test_channel_flow_processor(chime):
    app, user, channel = make_channel(chime)
    flow = chime.messaging.create_channel_flow(
        AppInstanceArn=app, Name="moderation", ClientRequestToken="flow-1",
        Processors=[{"Name": "moderator", "ExecutionOrder": 1, "FallbackAction": "ABORT",
                     "Configuration": {"Lambda": {
                         "ResourceArn": "arn:aws:lambda:us-east-1:123456789012:function:moderator",
                         "InvocationType": "ASYNC"}}}])["ChannelFlowArn"]
    chime.messaging.associate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow, ChimeBearer=user)
    sent = send(chime.messaging, channel, user, "oh darn")
    assert [i["MessageId"] for i in chime.control.flow_invocations()] == [sent["MessageId"]]

    def handler(event, context):
        msg = event["ChannelMessage"]
        chime.messaging.channel_flow_callback(
            CallbackId=event["CallbackId"], ChannelArn=msg["ChannelArn"],
            ChannelMessage={"MessageId": msg["MessageId"], "Content": msg["Content"].replace("darn", "****")})

    assert chime.control.run_flow_processor(handler) == 1
    assert chime.control.flow_invocations() == []
    got = chime.messaging.get_channel_message(ChannelArn=channel, MessageId=sent["MessageId"],
                                              ChimeBearer=user)["ChannelMessage"]
    assert got["Content"] == "oh ****"


def test_wait_for_an_event_without_a_websocket(chime):
    app, user, channel = make_channel(chime)
    later = threading.Timer(0.3, lambda: send(chime.messaging, channel, user, "hello"))
    later.start()
    try:
        event = chime.wait_for_event(channel_arn=channel, event_type="CREATE_CHANNEL_MESSAGE", timeout=10)
    finally:
        later.join()
    assert event["payload"]["Content"] == "hello"
    assert event["message"]["Headers"]["x-amz-chime-event-type"] == "CREATE_CHANNEL_MESSAGE"
    assert event["recipients"] == [user]
    assert [e["eventType"] for e in chime.events(channel_arn=channel)] == ["CREATE_CHANNEL", "CREATE_CHANNEL_MESSAGE"]
    with pytest.raises(TimeoutError):
        chime.wait_for_event(channel_arn=channel, event_type="DELETE_CHANNEL_MESSAGE", timeout=0.5)
    chime.control.clear_events()
    assert chime.events() == []


def test_a_flow_message_is_pending_then_sent(chime):
    app, user, channel = make_channel(chime)
    flow = chime.messaging.create_channel_flow(
        AppInstanceArn=app, Name="moderation", ClientRequestToken="flow-2",
        Processors=[{"Name": "moderator", "ExecutionOrder": 1, "FallbackAction": "ABORT",
                     "Configuration": {"Lambda": {
                         "ResourceArn": "arn:aws:lambda:us-east-1:123456789012:function:moderator",
                         "InvocationType": "ASYNC"}}}])["ChannelFlowArn"]
    chime.messaging.associate_channel_flow(ChannelArn=channel, ChannelFlowArn=flow, ChimeBearer=user)
    sent = send(chime.messaging, channel, user, "held")["MessageId"]
    pending = chime.wait_for_event(channel_arn=channel, event_type="PENDING_CREATE_CHANNEL_MESSAGE")
    assert pending["payload"]["MessageId"] == sent

    def handler(event, context):
        msg = event["ChannelMessage"]
        chime.messaging.channel_flow_callback(CallbackId=event["CallbackId"], ChannelArn=msg["ChannelArn"],
                                              ChannelMessage={"MessageId": msg["MessageId"], "Content": "ok"})

    assert chime.control.run_flow_processor(handler) == 1
    delivered = chime.wait_for_event(channel_arn=channel, event_type="CREATE_CHANNEL_MESSAGE", after=pending["seq"],
                                     predicate=lambda e: e["payload"]["MessageId"] == sent)
    assert delivered["payload"]["Content"] == "ok"
    assert delivered["seq"] > pending["seq"]


def test_unknown_endpoint_is_a_control_error(chime):
    with pytest.raises(ControlError) as e:
        chime.control._call("GET", "no-such-endpoint")
    assert e.value.status == 404 and "no-such-endpoint" in str(e.value)


def test_playing_a_lex_bot(chime):
    import json
    import urllib.request
    app, user, channel = make_channel(chime)
    # CreateAppInstanceBot through its REST route: Debian's boto3 1.26 predates AppInstanceBots.
    req = urllib.request.Request(chime.endpoint + "/app-instance-bots", method="POST", data=json.dumps({
        "AppInstanceArn": app, "Name": "Helper", "ClientRequestToken": "bot-1",
        "Configuration": {"Lex": {
            "LexBotAliasArn": "arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/KLMNOPQRST",
            "LocaleId": "en_US", "InvokedBy": {"StandardMessages": "ALL", "TargetedMessages": "NONE"}}}}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        bot = json.load(r)["AppInstanceBotArn"]
    chime.messaging.create_channel_membership(ChannelArn=channel, MemberArn=bot, Type="DEFAULT", ChimeBearer=user)
    sent = send(chime.messaging, channel, user, "hello bot")
    assert [i["MessageId"] for i in chime.control.bot_invocations()] == [sent["MessageId"]]
    assert chime.control.run_lex_bot(lambda request: {
        "messages": [{"content": "you said " + request["text"], "contentType": "PlainText"}],
        "sessionState": {"intent": {"name": "Echo", "state": "Fulfilled"}}}) == 1
    assert chime.control.bot_invocations() == []
    [reply] = [m for m in chime.messaging.list_channel_messages(ChannelArn=channel, ChimeBearer=user)["ChannelMessages"]
               if m["Sender"]["Arn"] == bot]
    # (ContentType is newer than Debian's boto3 model: the event log has it.)
    [event] = [e for e in chime.control.events(channel_arn=channel, event_type="CREATE_CHANNEL_MESSAGE")
               if e["payload"]["Sender"]["Arn"] == bot]
    assert event["payload"]["ContentType"] == "application/amz-chime-lex-msgs"
    assert json.loads(reply["Content"]) == {"Messages": [{"Content": "you said hello bot", "ContentType": "PlainText"}]}
    with pytest.raises(ControlError) as e:
        chime.control.answer_bot_invocation("0" * 64, {"messages": []})
    assert e.value.status == 404
