"""Customers, SYSPRO → BigCommerce: the customers stream, for the linked customers only.

SYSPRO documents no change timestamp on ArCustomer that e.net's COMFND serves (UNCONFIRMED: none
is relied on), so a poll reads every customer linked to a store customer (ExternalLink; guests
have no store customer to write), BATCH codes per COMFND (`Customer EQ a Or Customer EQ b …`),
and tells a changed one by a digest of the customer's managed columns
(`mapping.customer_version`, the one customers.py keeps of what it wrote). A customer whose
digest is the one our own write left (the link's written_version) or the one last pushed to the
store (its seen_version) is no change, so a store edit we wrote to SYSPRO never comes back as a
SYSPRO change, and a SYSPRO edit is pushed once.

The stream's cursor is not read (nothing to compare it with); each record's modified_at is the
time it was read, so the cursor still moves forward.
"""

from collections.abc import Iterator
from datetime import datetime

from django.utils import timezone

from connectors.answers import reading
from connectors.canonical import ErpRecord
from connectors.links import GUEST_PREFIX
from connectors.models import ExternalLink, LinkEntity
from connectors.syspro import mapping
from connectors.syspro.client import LABEL
from connectors.syspro.customers import COLUMNS

BATCH = 25  # customer codes per COMFND query


def _record(row: dict, now: datetime) -> ErpRecord:
    code = str(row["Customer"]).strip()
    if not code:
        raise ValueError("a customer row has no Customer code")
    return ErpRecord(erp_id=code, version=mapping.customer_version(row), modified_at=now,
                     data=mapping.store_customer(row))  # fmt: skip


def _where(codes: list[str]) -> list[tuple]:
    first, *rest = codes
    return [("Customer", "EQ", first), *(("Or", "Customer", "EQ", code) for code in rest)]


def _linked(connection) -> dict[str, set[str]]:
    """{customer code, upper case: the versions its links know (written and seen)}."""
    links = (
        ExternalLink.objects.filter(connection=connection, entity=LinkEntity.CUSTOMER)
        .exclude(source_id__startswith=GUEST_PREFIX)
        .exclude(erp_id="")
        .values_list("erp_id", "written_version", "seen_version")
    )
    known: dict[str, set[str]] = {}
    for code, written, seen in links:
        known.setdefault(code.strip().upper(), set()).update({written, seen} - {""})
    return known


def customers_changed(api, since: datetime | None) -> Iterator[list[ErpRecord]]:
    """Pages of the linked customers whose managed columns changed (`since` is not used: see the
    module's note). A linked customer no longer in SYSPRO is not listed."""
    known = _linked(api.connection)
    codes = sorted(known)
    for start in range(0, len(codes), BATCH):
        batch = codes[start : start + BATCH]
        rows = api.comfnd("ArCustomer", COLUMNS, _where(batch), max_rows=len(batch),
                          operation="customers.changed")  # fmt: skip
        now = timezone.now()
        with reading(LABEL, "the linked customers"):
            records = [_record(row, now) for row in rows]
        # Only the codes asked for (an answer naming others is not trusted), and only changed.
        asked = set(batch)
        yield [
            r for r in records
            if r.erp_id.upper() in asked and r.version not in known[r.erp_id.upper()]
        ]  # fmt: skip


def customer_now(api, code: str) -> ErpRecord | None:
    """The customer as it is now; None once deleted."""
    rows = api.comfnd("ArCustomer", COLUMNS, [("Customer", "EQ", code)], max_rows=1,
                      operation="customers.get")  # fmt: skip
    if not rows:
        return None
    with reading(LABEL, f"the customer {code[:40]!r}"):
        return _record(rows[0], timezone.now())
