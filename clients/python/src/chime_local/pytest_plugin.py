"""pytest plugin (entry point `pytest11`, loaded once the package is installed).

Fixtures:
  chime_local  session scope: one Emulator for the whole run (per xdist worker process). Starts
               $CHIME_LOCAL_BIN or `chime-local` on PATH with `--port 0 --in-memory` plus the ini
               option `chime_local_args`, or uses the running emulator at $CHIME_LOCAL_ENDPOINT.
  chime        function scope: resets the emulator before the test and gives a Chime object
               (.identity, .messaging, .control, .endpoint, .account, .region, .client(), .events(),
               .wait_for_event(), .add_fault(): the last three in this worker's account).

A reset before each test (not after) leaves the state of a failed test there to look at.
Under pytest-xdist against a shared emulator ($CHIME_LOCAL_ENDPOINT and $PYTEST_XDIST_WORKER
both set) each worker acts in an account of its own and resets only that account's app
instances, fault rules, journal entries and events; see docs/testing-fixtures.md for what stays shared.
"""

from __future__ import annotations

import os
import re
import shlex

import pytest

from .control import Control
from .emulator import Emulator


def pytest_addoption(parser):
    parser.addini("chime_local_args", "extra chime-local flags for the chime_local fixture "
                  "(e.g. --seed-file tests/seed.json)", default="")


def worker_account(worker: str | None = None) -> str | None:
    """The 12-digit account of a pytest-xdist worker (gw0 -> 900000000001), or None outside xdist."""
    worker = worker if worker is not None else os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return None
    m = re.search(r"(\d+)$", worker)
    n = int(m.group(1)) if m else sum(worker.encode()) % 10**6
    return f"9{n + 1:011d}"


class Chime:
    """What the `chime` fixture gives a test: one emulator, a clean state, ready clients."""

    def __init__(self, emulator: Emulator, account: str | None):
        self.emulator = emulator
        self.endpoint: str = emulator.endpoint
        self.control: Control = emulator.control
        self.account = account  # None: the emulator's --account-id
        self.region = emulator.region

    def client(self, service: str, **kwargs):
        """A boto3 client in this test's account and region (extra kwargs, e.g. config=, as boto3's)."""
        return self.emulator.client(service, account=self.account, **kwargs)

    @property
    def identity(self):
        return self.client("chime-sdk-identity")

    @property
    def messaging(self):
        return self.client("chime-sdk-messaging")

    def reset(self) -> None:
        """Back to a clean state: the whole emulator, or only this worker's account (see module doc)."""
        if self.account is None:
            self.control.clock.reset()
            self.control.reset()
            return
        # Only this worker's tenant: the other workers' data, faults, journal and events stay.
        self.control.reset(account_id=self.account, region=self.region)
        self.control.clear_faults(account_id=self.account)
        self.control.clear_requests(account_id=self.account)
        self.control.clear_events(account_id=self.account)

    def events(self, **filters) -> list:
        """Control.events() limited to this test's account under xdist tenants."""
        filters.setdefault("account_id", self.account)
        return self.control.events(**filters)

    def wait_for_event(self, channel_arn=None, member_arn=None, event_type=None, timeout: float = 10,
                       predicate=None, **kwargs) -> dict:
        """Control.wait_for_event() limited to this test's account under xdist tenants."""
        kwargs.setdefault("account_id", self.account)
        return self.control.wait_for_event(channel_arn, member_arn, event_type, timeout, predicate, **kwargs)

    def add_fault(self, rule):
        """Control.add_fault() for this test's account only under xdist tenants."""
        return self.control.add_fault(rule, account_id=self.account)


def _tenant_account(emulator: Emulator) -> str | None:
    # Only a shared emulator needs tenants: a worker that started its own has it to itself.
    return worker_account() if not emulator.owned else None


@pytest.fixture(scope="session")
def chime_local(request) -> Emulator:
    """One chime-local for the test session (per xdist worker process), stopped at its end."""
    args = shlex.split(request.config.getini("chime_local_args") or "")
    emulator = Emulator(args=args).start()
    yield emulator
    emulator.stop()


@pytest.fixture
def chime(chime_local: Emulator) -> Chime:
    """A clean emulator for this test (reset first) and boto3 clients for it."""
    session = Chime(chime_local, _tenant_account(chime_local))
    session.reset()
    return session
