"""The pytest plugin as a user's suite sees it, run with pytester in a subprocess: the ini
option, and the worker tenants of pytest-xdist against a shared emulator."""

from chime_local.pytest_plugin import worker_account

TENANT_TESTS = """
def test_acts_in_the_worker_account(chime):
    assert chime.account == "{account}"
    for i in range(60):  # more than one page of ListAppInstances
        arn = chime.identity.create_app_instance(Name=f"mine-{{i}}")["AppInstanceArn"]
    assert ":{account}:" in arn


def test_starts_with_an_empty_tenant(chime):
    assert chime.identity.list_app_instances()["AppInstances"] == []


def test_faults_and_events_of_the_worker_account(chime):
    import pytest
    assert chime.events() == []
    app = chime.identity.create_app_instance(Name="e")["AppInstanceArn"]
    user = chime.identity.create_app_instance_user(AppInstanceArn=app, AppInstanceUserId="u",
                                                   Name="u")["AppInstanceUserArn"]
    channel = chime.messaging.create_channel(AppInstanceArn=app, Name="c", ChimeBearer=user)["ChannelArn"]
    chime.add_fault({{"operation": "SendChannelMessage", "error": "ConflictException", "count": 1}})
    send = dict(ChannelArn=channel, Content="hi", Type="STANDARD", Persistence="PERSISTENT", ChimeBearer=user)
    with pytest.raises(chime.messaging.exceptions.ConflictException):
        chime.messaging.send_channel_message(**send)
    chime.messaging.send_channel_message(**send)
    event = chime.wait_for_event(channel_arn=channel, event_type="CREATE_CHANNEL_MESSAGE")
    assert event["accountId"] == "{account}"
"""


def test_worker_accounts_are_12_digits_and_distinct():
    accounts = {worker_account(f"gw{n}") for n in range(64)}
    assert len(accounts) == 64 and all(len(a) == 12 and a.isdigit() for a in accounts)
    assert worker_account("") is None


def test_xdist_workers_on_a_shared_emulator_reset_only_their_account(chime, pytester, monkeypatch):
    mine = chime.identity.create_app_instance(Name="not-the-workers")["AppInstanceArn"]
    rule = chime.control.add_fault({"operation": "DescribeChannel", "latencyMs": 1})
    account = worker_account("gw3")
    pytester.makepyfile(test_tenant=TENANT_TESTS.format(account=account))
    monkeypatch.setenv("CHIME_LOCAL_ENDPOINT", chime.endpoint)
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw3")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    # The default account's data and the global fault rule were not touched by the worker's resets,
    # and the worker's fault rule is its account's only.
    assert [a["AppInstanceArn"] for a in chime.identity.list_app_instances()["AppInstances"]] == [mine]
    assert [f["id"] for f in chime.control.faults() if "accountId" not in f] == [rule["id"]]
    assert [f["accountId"] for f in chime.control.faults(account_id=account)] == [account]


def test_ini_option_passes_flags_to_the_started_emulator(pytester, monkeypatch):
    monkeypatch.delenv("CHIME_LOCAL_ENDPOINT", raising=False)
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    pytester.makeini("[pytest]\nchime_local_args = --account-id 111122223333 --region eu-west-1\n")
    pytester.makepyfile(test_args="""
def test_flags(chime):
    assert chime.account is None and chime.emulator.owned
    arn = chime.identity.create_app_instance(Name="x")["AppInstanceArn"]
    assert ":111122223333:" in arn
""")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
