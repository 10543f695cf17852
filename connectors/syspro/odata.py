"""The customer lookup by e-mail through SYSPRO's OData service, when the connection sets it up
(`use_odata` and `odata_url`): customers.customer_by_email asks here first and falls back to
COMFND when this fails, so an order never waits on the OData service.

The SYSPRO OData Service is a separate, read-only OData 4.0 service in IIS with basic
authentication by a SYSPRO operator enabled for OData (research §3.2): no e.net session, no
licence seat. Its address pattern and entity-set names are UNCONFIRMED (no stored document shows
them); this follows the research's reading: `<odata_url>/<CompanyId>/ArCustomer?$filter=Email eq
'…'`, answered `{"value": [{"Customer": …, "Name": …, "Email": …}]}`, the table's columns by
their SYSPRO names. Called through the audited client: the Authorization header is redacted by
name, the operator's password by value.
"""

import base64
from decimal import Decimal

from connectors.answers import reading
from connectors.auth import StaticHeaderAuth
from connectors.http import ApiClient, VendorRules
from connectors.odata import ODataClient, PageShape, options, quoted
from connectors.syspro.client import SYSTEM

LABEL = "SYSPRO's OData service"
# OData speaks HTTP statuses (no e.net ERROR: bodies): the default reading of them. Two tries at
# most: the order waits on this, and COMFND stands in when it fails.
RULES = VendorRules(system=SYSTEM)
SHAPE = PageShape(label=LABEL, rows="value", next_link="@odata.nextLink")


def _on(value) -> bool:
    return value is True or str(value).strip().lower() in ("true", "on", "1", "yes", "y")


def odata_url(connection) -> str:
    """The service's address when the connection looks customers up there, else ""."""
    settings = connection.erp_settings or {}
    url = str(settings.get("odata_url") or "").strip()
    return url if url and _on(settings.get("use_odata")) else ""


def odata_client(connection, url: str) -> ODataClient:
    settings = connection.erp_settings or {}
    operator = str(settings.get("operator") or "")
    password = str((connection.erp_secrets or {}).get("operator_password") or "")
    token = base64.b64encode(f"{operator}:{password}".encode()).decode()
    company = str(settings.get("company_id") or "").strip()
    http = ApiClient(
        rules=RULES, base_url=f"{url.rstrip('/')}/{company}", connection=connection,
        auth=StaticHeaderAuth({"Authorization": f"Basic {token}"}), max_attempts=2,
    )  # fmt: skip
    return ODataClient(http, SHAPE)


def _text(row: dict, column: str) -> str:
    value = row.get(column)
    if value is not None and not isinstance(value, str | int | float | Decimal):
        raise TypeError(f"{column} ({value!r:.40}) is not a value")
    return "" if value is None else str(value).strip()


def odata_customer_by_email(connection, url: str, email: str, columns) -> dict | None:
    """The first ArCustomer with this e-mail as {column: text}, as COMFND gives its rows; None
    when there is none. Raises a ConnectorError when the service fails or answers malformed."""
    client = odata_client(connection, url)
    params = options(filter=f"Email eq {quoted(email)}", select=",".join(columns), top=1)
    response = client.http.get("ArCustomer", operation="odata.arcustomer.list", params=params)
    rows = client.rows(response)
    if not rows:
        return None
    with reading(LABEL, "the customer found by e-mail"):
        row = {column: _text(rows[0], column) for column in columns}
        if not row.get("Customer"):
            raise ValueError("the customer found has no Customer code")
    return row
