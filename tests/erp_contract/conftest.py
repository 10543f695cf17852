"""The ERP contract suite: every contract runs once per ERP kind that has a kit in `kits/`, on
that ERP's sandbox, with the sandbox store, a real worker process and real HTTP."""

import itertools

import pytest

from config.celery import app
from tenants.services import connection_activate
from tests.erp_contract.kits import Kit, kits
from tests.erp_contract.shop import Shop
from tests.support.worker import WorkerProcess

KITS = kits()
_names = itertools.count(1)


def pytest_generate_tests(metafunc):
    """Each test taking `kit` runs once per kind. A module that tests the intake and pipeline
    (ALSO_EMBEDDED = True) runs again on SQLite and the file broker with the kits marked
    `embedded` (the fake ERP: a vendor sandbox there would only add minutes)."""
    if "kit" not in metafunc.fixturenames:
        return
    also_embedded = getattr(metafunc.module, "ALSO_EMBEDDED", False)
    kinds = [
        pytest.param(
            kind, id=kind, marks=[pytest.mark.embedded] if also_embedded and kit.embedded else []
        )
        for kind, kit in sorted(KITS.items())
    ]
    metafunc.parametrize("kit", kinds, indirect=True)


@pytest.fixture
def kit(request, transactional_db, live_server, settings) -> Kit:
    settings.PUBLIC_BASE_URL = live_server.url  # the store's hooks point at us
    return KITS[request.param](request)


@pytest.fixture(scope="module")
def contract_worker(request, django_db_setup, live_server):
    """One worker for a module's tests, reaching every kit's sandbox (their settings do not
    overlap), plus the module's WORKER_ENV. A worker per test would double the suite's time."""
    env = {}
    for kit in KITS.values():
        env |= kit.worker_env(live_server)
    worker = WorkerProcess(extra_env={**env, **getattr(request.module, "WORKER_ENV", {})})
    yield worker.start()
    worker.stop()


@pytest.fixture
def shop(kit, tenant, contract_worker):
    """A sandbox store joined to the kit's ERP, active, with the module's worker running."""
    store, connection = kit.connect(tenant, f"contract{next(_names)}")
    yield Shop(store, connection_activate(connection=connection), kit)
    app.control.purge()  # what this test left queued is not the next one's work
