"""chime_local.Emulator: the binary's two stdout lines, clients, a failed start, an endpoint given."""

import pytest

from chime_local import Emulator, EmulatorError


def test_the_session_emulator_names_its_endpoint_and_ca(chime_local):
    assert chime_local.owned
    assert chime_local.endpoint.startswith("http://127.0.0.1:")
    with open(chime_local.ca_pem_path, "rb") as f:
        pem = f.read()
    assert b"BEGIN CERTIFICATE" in pem
    assert chime_local.control.ca_pem() == pem


def test_clients_are_pointed_at_it(chime, chime_local):
    assert chime.endpoint == chime_local.endpoint
    assert chime.identity.meta.endpoint_url == chime_local.endpoint
    assert chime.messaging.meta.region_name == "us-east-1"
    assert chime.client("messaging") is chime.messaging  # cached: made once per session
    arn = chime.identity.create_app_instance(Name="x")["AppInstanceArn"]
    assert arn.startswith("arn:aws:chime:us-east-1:123456789012:app-instance/")
    other = chime_local.client("identity", account="111122223333", region="eu-central-1")
    assert other.list_app_instances()["AppInstances"] == []


def test_a_running_emulator_by_endpoint_is_not_stopped(chime_local):
    shared = Emulator(endpoint=chime_local.endpoint)
    with shared:
        assert not shared.owned
        assert shared.control.health()["status"] == "ok"
    assert chime_local.control.health()["status"] == "ok"


def test_chime_local_endpoint_from_the_environment(chime_local, monkeypatch):
    monkeypatch.setenv("CHIME_LOCAL_ENDPOINT", chime_local.endpoint)
    emulator = Emulator().start()
    assert (emulator.owned, emulator.endpoint) == (False, chime_local.endpoint)


def test_a_second_emulator_starts_and_stops_cleanly(monkeypatch):
    monkeypatch.delenv("CHIME_LOCAL_ENDPOINT", raising=False)
    with Emulator(args=["--account-id", "111122223333"]) as emulator:
        arn = emulator.client("identity").create_app_instance(Name="x")["AppInstanceArn"]
        assert ":111122223333:" in arn
        process = emulator.process
    assert process.returncode == 0


def test_a_failed_start_says_why(monkeypatch):
    monkeypatch.delenv("CHIME_LOCAL_ENDPOINT", raising=False)
    with pytest.raises(EmulatorError, match="(?s)exited with code 2.*no-such-flag"):
        Emulator(args=["--no-such-flag"]).start()


def test_a_missing_binary_says_what_to_set(monkeypatch, tmp_path):
    monkeypatch.delenv("CHIME_LOCAL_ENDPOINT", raising=False)
    monkeypatch.setenv("CHIME_LOCAL_BIN", str(tmp_path / "nothing"))
    with pytest.raises(EmulatorError, match="does not exist"):
        Emulator().start()
    monkeypatch.delenv("CHIME_LOCAL_BIN")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EmulatorError, match="CHIME_LOCAL_BIN"):
        Emulator().start()


def test_the_container_module_needs_testcontainers():
    try:
        import testcontainers  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pip install testcontainers"):
            import chime_local.container  # noqa: F401
    else:
        pytest.skip("testcontainers is installed: nothing to refuse")
