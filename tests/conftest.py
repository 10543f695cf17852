"""Shared fixtures: two tenants; an owner and a viewer in the first, an outsider owning the second.

The suite runs on PostgreSQL + Redis. `TEST_BACKEND=embedded` (set by ./bin/test for its second
pass, with DATABASE_URL and REDIS_URL empty) runs the tests marked `embedded` again on the README's
default backend, SQLite and the file-system broker, leaving out those also marked `postgres`.
"""

import os

import pytest

from tenants.models import ConnectionStatus, Role
from tests.factories import ConnectionFactory, MembershipFactory, TenantFactory, UserFactory

EMBEDDED_RUN = os.environ.get("TEST_BACKEND") == "embedded"
# Fixtures shared by the browser tests: `chromium` and `browser_page`.
pytest_plugins = ["tests.support.browser"]


def pytest_configure(config):
    from django.conf import settings

    from tests.settings import SEPARATED_FOR

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and os.environ.get(SEPARATED_FOR) != worker:
        pytest.exit(
            "pytest-xdist workers need services of their own, which tests/settings.py gives them: "
            f"DJANGO_SETTINGS_MODULE is {os.environ.get('DJANGO_SETTINGS_MODULE')}, not tests.settings.",
            returncode=4,
        )
    if EMBEDDED_RUN != settings.EMBEDDED_DATABASE:
        pytest.exit(
            "TEST_BACKEND=embedded runs on SQLite and the file broker (DATABASE_URL and REDIS_URL "
            "set empty) and nothing else does; ./bin/test sets both for each pass.",
            returncode=4,
        )


def pytest_collection_modifyitems(config, items):
    if not EMBEDDED_RUN:
        return
    kept, left_out = [], []
    for item in items:
        runs_here = item.get_closest_marker("embedded") and not item.get_closest_marker("postgres")
        (kept if runs_here else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
    items[:] = kept


def collect_static():
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def collected_static(request):
    """Pages render with the production static storage (hashed names), so collect once: under
    pytest-xdist the main process has, into the STATIC_ROOT its workers share."""
    if not hasattr(request.config, "workerinput"):
        collect_static()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, its migrated rows remembered: a transactional test ends by
    emptying only the tables it wrote to (tests/support/db_reset.py), not with Django's flush."""
    from tests.support import db_reset

    with django_db_blocker.unblock():
        db_reset.remember_migrated_rows()
    db_reset.install()


@pytest.fixture
def tenant(db):
    return TenantFactory(name="Acme Outdoor", slug="acme")


@pytest.fixture
def other_tenant(db):
    return TenantFactory(name="Globex", slug="globex")


@pytest.fixture
def owner(tenant):
    user = UserFactory(username="alice@acme.test")
    MembershipFactory(user=user, tenant=tenant, role=Role.OWNER)
    return user


@pytest.fixture
def member(tenant):
    """A viewer in the owner's tenant: may look, may not change."""
    user = UserFactory(username="bob@acme.test")
    MembershipFactory(user=user, tenant=tenant, role=Role.VIEWER)
    return user


@pytest.fixture
def outsider(other_tenant):
    user = UserFactory(username="charlie@globex.test")
    MembershipFactory(user=user, tenant=other_tenant, role=Role.OWNER)
    return user


@pytest.fixture
def dana(tenant, other_tenant):
    """A viewer in Acme (`tenant`) and the owner of Globex (`other_tenant`): a write role
    somewhere must never let a person change a tenant where they only view."""
    user = UserFactory(username="dana@both.test")
    MembershipFactory(user=user, tenant=tenant, role=Role.VIEWER)
    MembershipFactory(user=user, tenant=other_tenant, role=Role.OWNER)
    return user


@pytest.fixture
def worker_env():
    """Extra environment for the worker a `shop` fixture starts; a module overrides it (e.g. a
    short HTTP_READ_TIMEOUT so a sandbox that hangs times the client out quickly)."""
    return {}


@pytest.fixture
def connection(tenant):
    return ConnectionFactory(tenant=tenant, name="Acme store")


@pytest.fixture
def active(connection):
    """The first tenant's connection, activated: events and jobs for it are processed."""
    connection.status = ConnectionStatus.ACTIVE
    connection.save()
    return connection


@pytest.fixture
def other_connection(other_tenant):
    return ConnectionFactory(tenant=other_tenant, name="Globex store")


# --- the session-wide secret scan (see tests/support/secret_scan.py) -------------------------
def pytest_sessionstart(session):
    from django.conf import settings

    from tests.support import fake_erp, secret_scan

    session.secret_scan = secret_scan.Session(settings.VAR_DIR)
    session.secret_scan.start()  # the worker processes report to it too
    fake_erp.install()
    if session.config.pluginmanager.has_plugin("dsession"):  # before pytest-xdist's workers start
        collect_static()


def pytest_sessionfinish(session, exitstatus):
    scan = getattr(session, "secret_scan", None)  # None: the session failed to start
    found = scan.finish() if scan is not None else []
    if found:
        session.exitstatus = 1
    if hasattr(session.config, "workeroutput"):  # a pytest-xdist worker: tell the main process
        session.config.workeroutput["secret_scan_leaks"] = list(found)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The main process of a pytest-xdist run fails the session on its workers' leaks too (their
    own exit status is not passed on) and lists them in its summary."""
    from tests.support.secret_scan import leaks

    worker = node.gateway.id
    leaks.extend(
        f"{worker}: {leak}"
        for leak in getattr(node, "workeroutput", {}).get("secret_scan_leaks", [])
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A test during which a secret leaked fails, naming the leaks (the session fails as well)."""
    outcome = yield
    scan = getattr(item.session, "secret_scan", None)
    if scan is None or call.when not in ("setup", "call"):
        return
    seen = scan.so_far()
    if call.when == "setup":
        item.leaks_before = len(seen)
        return
    report = outcome.get_result()
    new = seen[getattr(item, "leaks_before", len(seen)) :]
    if new and report.passed:
        report.outcome = "failed"
        report.longrepr = "Secrets leaked during this test:\n" + "\n".join(new)


def pytest_terminal_summary(terminalreporter):
    from tests.support.secret_scan import leaks

    if leaks:
        terminalreporter.section("SECRETS LEAKED into audit rows or logs", red=True)
        for leak in sorted(set(leaks)):
            terminalreporter.line(leak)


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real worker process on the real broker (Redis) and the test database."""
    from tests.support.worker import WorkerProcess

    worker = WorkerProcess().start()
    yield worker
    worker.stop()


class _LiveServer:
    """pytest-django's live server without its static-files interceptor: pages are served as in
    production, static files by whitenoise from the collected (hashed) STATIC_ROOT."""

    def __init__(self):
        from django.test.testcases import LiveServerThread
        from django.test.utils import modify_settings

        self.thread = LiveServerThread("localhost", static_handler=lambda app: app, port=0)
        self._live_server_modified_settings = modify_settings(ALLOWED_HOSTS={"append": "localhost"})
        self.thread.daemon = True
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            raise self.thread.error
        self.url = f"http://localhost:{self.thread.port}"

    def stop(self):
        self.thread.terminate()

    def __str__(self):
        return self.url


@pytest.fixture(scope="session")
def live_server(request, collected_static, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        server = _LiveServer()
    yield server
    server.stop()


@pytest.fixture
def demo_on_live_server(live_server, transactional_db, settings):
    """The demo tenant as `./bin/run` bootstraps it, its sandboxes served by the live server."""
    from django.core.management import call_command

    from tenants.models import Tenant

    sandbox = f"{live_server.url}/sandbox"
    settings.DEMO_MODE = True
    settings.PUBLIC_BASE_URL = live_server.url
    settings.MYOB_OAUTH_URL, settings.MYOB_API_URL = (
        f"{sandbox}/myob/oauth2",
        f"{sandbox}/myob/accountright",
    )
    settings.EXACT_BASE_URL = f"{sandbox}/exact_online"
    settings.BC_API_URL, settings.BC_ENTRA_URL = f"{sandbox}/bc", f"{sandbox}/entra"
    call_command("bootstrap", verbosity=0)
    return Tenant.objects.get(slug="demo")
