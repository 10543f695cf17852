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


def _kind(kind: str):
    marks = [pytest.mark.embedded] if KITS[kind].embedded else []
    return pytest.param(kind, marks=marks, id=kind)


@pytest.fixture(params=[_kind(kind) for kind in sorted(KITS)])
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
