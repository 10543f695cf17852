"""The SYSPRO operator's one session, over real HTTP to the sandbox: shared by the connectors of a
cycle, logged on again once when SYSPRO ended it, logged off by the last one (or by the sweep when a
worker died), never written anywhere in clear; a refused Logon stops the connection with SYSPRO's
reason."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import ApiCall
from connectors.errors import ReconnectRequired, TransientError
from connectors.syspro import tasks
from connectors.syspro.client import SessionGone
from connectors.syspro.connector import SysproConnector
from connectors.syspro.models import SysproSession
from sandbox.syspro import services
from sync.lease import Lease, LeaseLost, holding
from sync.models import JobState
from tenants.models import ConnectionStatus
from tests.factories import SyncJobFactory
from tests.support.syspro_connection import (
    COMPANY_PASSWORD,
    OPERATOR_PASSWORD,
    syspro_connection,
)
from tests.support.syspro_sandbox import syspro_sandbox

TENT = [{"StockCode": "TENT-2P", "Description": "Two-person tent"}]


def tent(connector) -> list[dict]:
    return connector.api.comfnd(
        "InvMaster", ["StockCode", "Description"], [("StockCode", "EQ", "tent-2p")],
        operation="syspro.test",
    )  # fmt: skip


def counted(company, name: str) -> int:
    return services.call_counts(company).get(name, 0)


def api_call_text(connection) -> str:
    fields = ("url", "request_headers", "request_body", "response_headers", "response_body",
              "error_message")  # fmt: skip
    return "\n".join(
        str(value)
        for row in ApiCall.objects.filter(connection=connection).values_list(*fields)
        for value in row
    )


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_a_cycle_shares_one_session_logs_on_again_once_and_the_last_one_logs_off(
    live_server, tenant, caplog
):
    caplog.set_level(logging.DEBUG)
    company = syspro_sandbox(
        live_server, operator_password=OPERATOR_PASSWORD, company_password=COMPANY_PASSWORD
    )
    connection = syspro_connection(tenant, company)
    first, second = SysproConnector(connection), SysproConnector(connection)

    # Two jobs of one cycle: one Logon, one session.
    assert tent(first) == TENT and tent(second) == TENT
    assert counted(company, "Logon") == 1 and len(services.sessions(company)) == 1

    # SYSPRO ended it (idle timeout, another Logon): one Logon again, the call repeated, and the
    # other job finds the new session without a Logon of its own.
    ended = SysproSession.objects.get().session_id
    services.session_kill(company)
    assert tent(second) == TENT
    # first had sent the ended id too: it takes the session second logged on, no Logon of its own
    assert first.api.session.relogon(stale=ended) == SysproSession.objects.get().session_id
    assert tent(first) == TENT
    assert counted(company, "Logon") == 2

    # Ended again right after that Logon: the job waits, no Logon loop.
    services.faults_set(company, fault_session_kill=2)
    with pytest.raises(SessionGone, match="ended the session again"):
        tent(first)
    assert counted(company, "Logon") == 3
    assert tent(first) == TENT and counted(company, "Logon") == 4

    # More of the connection's jobs are due: the cycle goes on, the session stays.
    job = SyncJobFactory(connection=connection, tenant=tenant, state=JobState.PENDING)
    first.close()
    assert counted(company, "Logoff") == 0 and len(services.sessions(company)) == 1
    job.delete()

    # A worker died mid-cycle (second never closes): the sweep logs its session off once it is
    # unused for longer than a job's lease.
    assert tasks.sweep_sessions() == 0  # in use a moment ago
    SysproSession.objects.update(last_used_at=timezone.now() - timedelta(hours=1))
    assert tasks.sweep_sessions() == 1
    assert counted(company, "Logoff") == 1 and services.sessions(company) == []

    # The next cycle logs on, and its last job logs off in its close().
    third = SysproConnector(connection)
    assert tent(third) == TENT
    third.close()
    second.close()  # nothing left to end
    assert counted(company, "Logon") == 5 and counted(company, "Logoff") == 2
    assert services.sessions(company) == [] and SysproSession.objects.get().session_id == ""

    # No session id and no password in any audited call or log line.
    session_ids = {call["session_id"].strip() for call in services.call_log(company)} - {""}
    assert len(session_ids) == 5
    written = api_call_text(connection) + "\n".join(r.getMessage() for r in caplog.records)
    assert "UserId=%5Bredacted%5D" in written or "UserId=[redacted]" in written
    for secret in (*session_ids, OPERATOR_PASSWORD, COMPANY_PASSWORD):
        assert secret not in written


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_a_refused_logon_needs_reconnecting_with_syspros_reason_and_a_seat_limit_waits(
    live_server, tenant
):
    company = syspro_sandbox(live_server, operator_password=OPERATOR_PASSWORD)
    connection = syspro_connection(tenant, company)

    services.faults_set(
        company, fault_logon_error="ERROR: Licence limit reached: all 3 e.net seats are in use"
    )
    with pytest.raises(TransientError, match=r"no free e\.net licence") as waited:
        tent(SysproConnector(connection))
    assert waited.value.retry_after >= 60 and not isinstance(waited.value, ReconnectRequired)
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE

    services.faults_set(company, fault_logon_error="")
    connection.erp_secrets = {"operator_password": "syspro-pw-secret-wrong"}
    connection.save()
    with pytest.raises(ReconnectRequired, match="password of operator"):
        tent(SysproConnector(connection))
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_RECONNECT
    assert "ERROR: Invalid operator password" in connection.last_error
    assert "connection's settings" in connection.last_error
    # Its calls stop: the next job does not try the password again.
    with pytest.raises(ReconnectRequired):
        tent(SysproConnector(connection))
    assert counted(company, "Logon") == 2  # the seat refusal and the password refusal


@pytest.mark.django_db(transaction=True)
def test_a_write_is_a_get_fenced_by_the_jobs_lease(live_server, tenant):
    """Setup and Transaction calls are GETs: a run that lost its job sends none of them."""
    company = syspro_sandbox(live_server, operator_password=OPERATOR_PASSWORD)
    connector = SysproConnector(syspro_connection(tenant, company))
    job = SyncJobFactory(connection=connector.connection, tenant=tenant, state=JobState.RUNNING,
                         lease_owner="the-other-worker")  # fmt: skip
    with holding(Lease(job.pk, "this-worker")):
        assert tent(connector) == TENT  # a read is sent
        with pytest.raises(LeaseLost):
            connector.api.post("SORTOI", "<SalesOrders/>", "<SalesOrders/>", operation="t")
    assert "SORTOI" not in services.call_counts(company)
