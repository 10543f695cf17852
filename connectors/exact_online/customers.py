"""Customers both ways.

BigCommerce → Exact Online: the account found by its link or by e-mail, else created (Status C);
an existing account is updated only where a field differs.

Exact Online → BigCommerce: the customers stream lists accounts by `Modified`; each account is an
ErpRecord whose version is a digest of the fields we manage (Exact keeps no row version), so an
account as our own write left it is skipped, and the store is written only where it differs.
The store's customer/updated webhook after a push finds nothing to change in Exact: nothing
ping-pongs.
"""

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from connectors.answers import reading
from connectors.canonical import ErpRecord
from connectors.erp import ExternalRef
from connectors.exact_online import mapping
from connectors.exact_online.api import ExactApi, quoted
from connectors.links import customer_link, customer_link_save
from connectors.models import ExternalLink

ACCOUNTS = "crm/Accounts"
MANAGED = ("Name", "Email", "Phone", "AddressLine1", "AddressLine2", "City", "Postcode", "Country")
FIELDS = ",".join(("ID", "Code", *MANAGED, "Modified"))


def _find(api: ExactApi, link: ExternalLink | None, email: str) -> dict | None:
    if link is not None:
        found = api.first(ACCOUNTS, select=FIELDS, filter=f"ID eq guid'{link.erp_id}'")
        if found is not None:
            return found
        link.delete()  # the account was deleted in Exact: match again
    if not email:
        return None
    return api.first(ACCOUNTS, select=FIELDS, filter=f"Email eq {quoted(email)}")


def account_version(account: dict) -> str:
    """The managed fields' digest: equal for the account as our write left it and as the poll
    reads it back, different once a person edits one of them."""
    managed = {k: str(account.get(k) or "").strip() for k in MANAGED}
    return hashlib.sha256(json.dumps(managed, sort_keys=True).encode()).hexdigest()


def customer_upsert(api: ExactApi, customer) -> ExternalRef:
    connection = api.connection
    link = customer_link(connection, customer.source_id)
    wanted = mapping.customer_payload(customer)
    found = _find(api, link, (customer.email or "").strip().lower())
    written = None
    if found is None:
        found = written = api.create(ACCOUNTS, wanted)
    else:
        changes = {
            k: v for k, v in wanted.items()
            if k in MANAGED and v and str(found.get(k) or "") != str(v)
        }  # fmt: skip
        if changes:
            api.update(ACCOUNTS, found["ID"], changes)
            written = {**found, **changes}
    code = str(found.get("Code") or "").strip()
    fields = {"erp_id": found["ID"], "erp_number": code}
    if written is not None:
        fields["written_version"] = account_version(written)
    customer_link_save(connection, customer.source_id, **fields)
    return ExternalRef(found["ID"], number=code)


# --- Exact Online → BigCommerce -------------------------------------------------------------
def exact_time(value: str) -> datetime:
    """/Date(1723420800000)/ → a naive UTC datetime (what $filter's datetime'…' compares with)."""
    millis = int(re.search(r"-?\d+", str(value)).group())
    return datetime.fromtimestamp(millis / 1000, tz=UTC).replace(tzinfo=None)


def _record(account: dict) -> ErpRecord:
    return ErpRecord(
        erp_id=str(account["ID"]), version=account_version(account),
        modified_at=exact_time(account["Modified"]).replace(tzinfo=UTC),
        data=mapping.store_customer(account),
    )  # fmt: skip


def customers_changed(api: ExactApi, since: datetime | None) -> Iterator[list[ErpRecord]]:
    """Pages of the accounts changed after `since`."""
    since = since or timezone.now() - timedelta(days=1)
    moment = since.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds")
    for page in api.pages(ACCOUNTS, select=FIELDS, filter=f"Modified gt datetime'{moment}'"):
        with reading("Exact Online", "the changed accounts"):
            records = [_record(account) for account in page]
        yield records


def customer_now(api: ExactApi, account_id: str) -> ErpRecord | None:
    found = api.first(ACCOUNTS, select=FIELDS, filter=f"ID eq guid'{account_id}'")
    if found is None:
        return None
    with reading("Exact Online", "an account"):
        return _record(found)
