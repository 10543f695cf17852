"""Customers both ways.

BigCommerce → Exact Online: the account found by its link or by e-mail, else created (Status C);
an existing account is updated only where a field differs.

Exact Online → BigCommerce: a poll on `Modified` pushes name, e-mail, phone and address changes of
linked accounts to the store, only where they differ from the store's customer. Our own writes
come back in the poll equal to the store (nothing is sent), and the store's customer/updated
webhook after a push finds nothing to change in Exact: nothing ping-pongs.
"""

import re
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from connectors.answers import reading
from connectors.erp import ExternalRef
from connectors.exact_online import mapping
from connectors.exact_online.api import ExactApi, quoted
from connectors.exact_online.models import ExactAccountLink

ACCOUNTS = "crm/Accounts"
MANAGED = ("Name", "Email", "Phone", "AddressLine1", "AddressLine2", "City", "Postcode", "Country")
FIELDS = ",".join(("ID", "Code", *MANAGED, "Modified"))
CURSOR = "exact_accounts"


def _find(api: ExactApi, link: ExactAccountLink | None, email: str) -> dict | None:
    if link is not None:
        found = api.first(ACCOUNTS, select=FIELDS, filter=f"ID eq guid'{link.account_id}'")
        if found is not None:
            return found
        link.delete()  # the account was deleted in Exact: match again
    if not email:
        return None
    return api.first(ACCOUNTS, select=FIELDS, filter=f"Email eq {quoted(email)}")


def customer_upsert(api: ExactApi, customer) -> ExternalRef:
    connection = api.connection
    link = ExactAccountLink.objects.filter(
        connection=connection, source_id=customer.source_id
    ).first()
    wanted = mapping.customer_payload(customer)
    found = _find(api, link, (customer.email or "").strip().lower())
    if found is None:
        found = api.create(ACCOUNTS, wanted)
    else:
        changes = {
            k: v for k, v in wanted.items()
            if k in MANAGED and v and str(found.get(k) or "") != str(v)
        }  # fmt: skip
        if changes:
            api.update(ACCOUNTS, found["ID"], changes)
    ExactAccountLink.objects.update_or_create(
        connection=connection, source_id=customer.source_id, defaults={"account_id": found["ID"]}
    )
    return ExternalRef(found["ID"], number=str(found.get("Code") or "").strip())


# --- Exact Online → BigCommerce -------------------------------------------------------------
def bigcommerce_customer_changes(account: dict, bc: dict) -> dict:
    """What to change on a BigCommerce v3 customer so it matches the account: {"customer": {...},
    "address": {...}}, each empty when already equal. The account's Name is the company for
    business customers, else "first last"."""
    name = (account.get("Name") or "").strip()
    if bc.get("company"):
        names = {"company": name}
    else:
        first, _, last = name.partition(" ")
        names = {"first_name": first, "last_name": last}
    wanted = {
        **names,
        "email": (account.get("Email") or "").lower(),
        "phone": account.get("Phone") or "",
    }
    customer = {k: v for k, v in wanted.items() if v and (bc.get(k) or "") != v}
    wanted_address = {
        "address1": account.get("AddressLine1") or "", "address2": account.get("AddressLine2") or "",
        "city": account.get("City") or "", "postal_code": account.get("Postcode") or "",
        "country_code": account.get("Country") or "",
    }  # fmt: skip
    address = {}
    if bc.get("addresses") and wanted_address["address1"]:
        current = bc["addresses"][0]
        address = {k: v for k, v in wanted_address.items() if (current.get(k) or "") != v}
        if address:
            address["id"] = current["id"]
    return {"customer": customer, "address": address}


def exact_time(value: str) -> datetime:
    """/Date(1723420800000)/ → a naive UTC datetime (what $filter's datetime'…' compares with)."""
    millis = int(re.search(r"-?\d+", str(value)).group())
    return datetime.fromtimestamp(millis / 1000, tz=UTC).replace(tzinfo=None)


@reading("Exact Online", "the changed accounts")
def accounts_poll(connection_id) -> int:
    """Push Exact-side changes of linked accounts to BigCommerce. Returns how many were pushed."""
    from connectors.bigcommerce.store import BigCommerceStore
    from connectors.polling import read_cursor, write_cursor
    from tenants.models import Connection, ConnectionStatus

    connection = Connection.objects.get(pk=connection_id)
    if connection.status != ConnectionStatus.ACTIVE or connection.erp_kind != "exact_online":
        return 0
    since = read_cursor(connection, CURSOR) or timezone.now() - timedelta(days=1)
    moment = since.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds")
    api, store, pushed = ExactApi(connection, lane="backfill"), None, 0
    for page in api.pages(ACCOUNTS, select=FIELDS, filter=f"Modified gt datetime'{moment}'"):
        links = {
            link.account_id.lower(): link
            for link in ExactAccountLink.objects.filter(
                connection=connection, account_id__in=[a["ID"] for a in page]
            ).exclude(source_id__startswith="guest:")
        }
        for account in page:
            link = links.get(str(account["ID"]).lower())
            if link is None:
                continue  # not a customer we sync
            store = store or BigCommerceStore(connection)
            current = store.customer(link.source_id)
            if current is not None:
                pushed += store.customer_update(
                    link.source_id, bigcommerce_customer_changes(account, current)
                )
        if page:
            latest = max(exact_time(a["Modified"]) for a in page).replace(tzinfo=UTC)
            write_cursor(connection.pk, CURSOR, latest)
    return pushed
