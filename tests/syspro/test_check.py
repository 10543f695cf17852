"""'Test connection' for SYSPRO, over real HTTP to the sandbox: Logon, GetLogonProfile, Logoff,
and when it fails, which part: the server, the operator, its password, the company, the seats."""

import pytest

from audit.models import ApiCall
from connectors.checks import erp_check
from connectors.syspro.connector import SysproConnector
from sandbox.syspro import services
from tenants.models import ConnectionStatus
from tests.support.syspro_connection import OPERATOR_PASSWORD, syspro_connection
from tests.support.syspro_sandbox import syspro_sandbox


def checked(connection, **settings):
    connection.erp_settings = {**connection.erp_settings, **settings}
    connection.save()
    result = SysproConnector(connection).check()
    return result.ok, f"{result.message} | {result.hint}"


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_the_check_logs_on_reads_the_profile_logs_off_and_names_what_failed(
    live_server, tenant, settings
):
    company = syspro_sandbox(live_server, operator_password=OPERATOR_PASSWORD, name="Outdoor Co")
    connection = syspro_connection(tenant, company, status=ConnectionStatus.NEEDS_RECONNECT)

    ok, said = checked(connection)
    assert ok, said
    assert f"company Outdoor Co ({company.company_id}), operator MLC" in said
    assert said.startswith("Connected to SYSPRO 8")  # the version GetLogonProfile gives
    counts = services.call_counts(company)
    assert (counts["Logon"], counts["GetLogonProfile"], counts["Logoff"]) == (1, 1, 1)
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE  # corrected settings revive it

    ok, said = checked(connection, operator="NOBODY")
    assert not ok and "operator NOBODY" in said and "Operator 'NOBODY' not found" in said
    ok, said = checked(connection, operator="MLC", company_id="NONE")
    assert not ok and "company NONE" in said and "Company 'NONE' not found" in said
    connection.erp_secrets = {"operator_password": "syspro-pw-secret-wrong"}
    ok, said = checked(connection, company_id=company.company_id)
    assert not ok and "password of operator MLC" in said and "Invalid operator password" in said
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE  # a check's failure stops nothing
    connection.erp_secrets = {"operator_password": OPERATOR_PASSWORD}
    services.faults_set(company, seats=0)
    ok, said = checked(connection)
    assert not ok and "no free e.net licence" in said and "seat" in said
    services.faults_set(company, seats=3)

    ok, said = checked(connection, server_url=f"{live_server.url}/sandbox/syspro/nothing/Rest")
    assert not ok and "SYSPRO URL" in said and "e.net REST service" in said
    ok, said = checked(connection, server_url="http://127.0.0.1:9/SYSPROWCFService/Rest")
    assert not ok and said.startswith("SYSPRO could not be reached") and "https" in said
    settings.DEMO_MODE = False
    before = ApiCall.objects.count()
    ok, said = checked(connection, server_url=company.server_url)
    assert not ok and "is not https" in said and ApiCall.objects.count() == before

    # Through the admin's check: the one run by 'Test connection', with its own Logoff.
    settings.DEMO_MODE = True
    connection.erp_settings["server_url"] = company.server_url
    connection.save()
    logoffs = services.call_counts(company)["Logoff"]
    assert erp_check(connection).ok
    assert services.call_counts(company)["Logoff"] == logoffs + 1
