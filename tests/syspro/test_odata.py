"""The customer lookup by e-mail through SYSPRO's OData service (when the connection sets it
up), over real HTTP to the sandbox: it finds the customer without COMFND, sends the operator's
credentials only in the redacted Authorization header, and when the service fails the lookup
falls back to COMFND with a warning, so the order's customer is still found."""

import pytest

from audit.models import ApiCall
from connectors.syspro.connector import SysproConnector
from sandbox.syspro.services import call_counts, customer_set
from tests.erp_contract.kits.syspro import syspro_connected
from tests.support import orders
from tests.support.syspro_sandbox import syspro_sandbox

pytestmark = pytest.mark.django_db(transaction=True)


def found_by_email(connection):
    erp = SysproConnector(connection)
    try:
        return erp.upsert_customer(orders.customer(source_id="guest:ada@example.com",
                                                   email="Ada@Example.com", modified_at=None))  # fmt: skip
    finally:
        erp.close()


def test_odata_finds_the_customer_and_its_failure_falls_back_to_comfnd(live_server, tenant):
    company = syspro_sandbox(live_server)
    customer_set(company, "ADA01", Name="Ada Lovelace", Email="ada@example.com")
    odata_url = f"{live_server.url}/sandbox/syspro/odata"
    connection = syspro_connected(company, tenant, use_odata=True, odata_url=odata_url)
    ref = found_by_email(connection)
    assert (ref.id, ref.warning) == ("ADA01", "")
    (call,) = ApiCall.objects.filter(connection=connection, operation="odata.arcustomer.list")
    assert call.status_code == 200 and "/odata/" + company.company_id + "/ArCustomer" in call.url
    assert call.request_headers["Authorization"] == "[redacted]"
    assert company.operator_password not in str(call.request_headers) + call.url
    assert not ApiCall.objects.filter(connection=connection, operation="customers.find").exists()
    # The service fails (here: not where the settings say): COMFND finds the customer, and the
    # order's job says why it was looked up the slow way.
    broken = syspro_connected(company, tenant, use_odata=True, odata_url=odata_url + "-gone")
    ref = found_by_email(broken)
    assert ref.id == "ADA01" and "OData" in ref.warning, ref.warning
    assert ApiCall.objects.filter(connection=broken, operation="customers.find").exists()
    assert call_counts(company).get("ARSSCS", 0) == 0  # found, not added again
