"""SYSPRO: BigCommerce orders as sales orders (SORTOI), invoiced in billing mode (SORTIC), and
customers as ArCustomer records (ARSSCS), over e.net REST in one operator session per cycle.

This module holds the check and the session's end; the document and customer methods come from
mapping.py and customers.py."""

from django.db import transaction

from connectors.answers import reading
from connectors.checks import CheckResult
from connectors.erp import ApiConnector
from connectors.errors import (
    ConnectorError,
    ReconnectRequired,
    TransientError,
    UnreadableAnswer,
    UnsafeDestination,
)
from connectors.syspro import xml
from connectors.syspro.api import SysproApi
from connectors.syspro.client import LABEL, NotConnected, stored
from connectors.syspro.customer_changes import customer_now, customers_changed
from connectors.syspro.items import Where, item_now, items_changed

UNREACHABLE_HINT = (
    "Check the e.net REST service URL (…/SYSPROWCFService/Rest), that the SYSPRO e.net "
    "Communications Load Balancer service is running, and that it is published over https to "
    "the internet; then try again."
)


class SysproConnector(ApiConnector):
    label = LABEL
    api_class = SysproApi

    # -- Test connection ------------------------------------------------------------------
    def check(self) -> CheckResult:
        """Logon, GetLogonProfile, Logoff (close); says which part failed: the server, the
        operator, its password, the company, the licence seats."""
        try:
            api = self.__dict__["api"] = SysproApi(self.connection, lane=self.lane, revive=True)
            with reading(LABEL, "the logon profile"):
                profile = api.logon_profile()
                found = {
                    field: xml.text(profile, field)
                    for field in ("CompanyName", "CompanyId", "OperatorCode", "SysproVersion")
                }
        except (NotConnected, UnsafeDestination) as exc:
            return self._failed(exc.message, "Correct it in the connection's settings.")
        except ReconnectRequired as exc:
            return self._failed(exc.message)
        except UnreadableAnswer as exc:
            return self._failed(
                f"The server at the SYSPRO URL is not answering as a SYSPRO e.net REST service: "
                f"{exc.message}",
                UNREACHABLE_HINT,
            )
        except TransientError as exc:
            if exc.retry_after and "licence" in exc.message:
                return self._failed(exc.message, "Try again once a seat is free.")
            return self._failed(f"SYSPRO could not be reached: {exc.message}", UNREACHABLE_HINT)
        except ConnectorError as exc:
            return self._failed(exc.message)
        company = (
            found["CompanyName"] or found["CompanyId"] or stored(self.connection).get("company_id")
        )
        revived(self.connection)
        version = f" {found['SysproVersion']}" if found["SysproVersion"] else ""
        return CheckResult(
            self.label,
            ok=True,
            message=f"Connected to SYSPRO{version}: company {company} "
            f"({found['CompanyId'] or stored(self.connection).get('company_id')}), operator "
            f"{found['OperatorCode'] or stored(self.connection).get('operator')}.",
        )

    def _failed(self, message: str, hint: str = "") -> CheckResult:
        return CheckResult(self.label, ok=False, message=message, hint=hint)

    # -- SYSPRO → store: the linked customers (customer_changes.py), the stock items (items.py)
    def changed_customers(self, since):
        return customers_changed(self.api, since)

    def customer_record(self, erp_id: str):
        return customer_now(self.api, erp_id)

    @property
    def item_source(self) -> Where:
        settings = self.connection.erp_settings or {}
        return Where(warehouse=str(settings.get("warehouse") or "WH01").strip(),
                     price_code=str(settings.get("price_code") or "").strip())  # fmt: skip

    def changed_items(self, since):
        return items_changed(self.api, self.item_source, since)

    def item_record(self, erp_id: str):
        return item_now(self.api, self.item_source, erp_id)


def revived(connection) -> None:
    """SYSPRO took the settings again: a connection that needed reconnecting (a refused Logon)
    gets going again, with the jobs that waited."""
    from sync.dispatch import jobs_dispatch_waiting
    from tenants.models import Connection, ConnectionStatus

    with transaction.atomic():
        changed = Connection.objects.filter(
            pk=connection.pk, status=ConnectionStatus.NEEDS_RECONNECT
        ).update(status=ConnectionStatus.ACTIVE, last_error="", last_error_at=None)
        if changed:
            connection.refresh_from_db()
            transaction.on_commit(lambda: jobs_dispatch_waiting(connection=connection))
