"""MYOB as the catalog push's item source at catalog size: how long the first read of every item
takes, and a read of the items a person changed since.

The production stack on loopback (benchmarks/harness.py): PostgreSQL (its own database), a
redis-server of its own (the shared MYOB budget), gunicorn serving the sandbox MYOB. One company
file gets N SKUs of the generated catalog (sandbox/catalog_seed.py) at once; a connection signed
in to it reads through MyobConnector.changed_items over HTTP, on the one API key (8 calls/s, as
in production). Then a share of the sold items is changed as a person would (prices and stock) and
read from the cursor.

Figures: seconds to put the items in; per read, pages, items, calls and seconds (per page, and
how much of it was spent waiting for the sandbox's answers); whether the changed read yields
exactly the changed items.

Run:  .venv/bin/python benchmarks/myob_items.py [--skus 10000] [--share 0.05] [--keep-db]
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import Stack  # noqa: E402

DB_NAME = f"mlc_bench_items_{os.getpid()}"
MYOB_PER_SECOND = 8
MYOB_SCOPES = "sme-company-file sme-inventory"


def connection_to_new_file(skus: int):
    """(the company file with `skus` catalog SKUs, a connection signed in to it, seconds taken)."""
    from django.conf import settings

    from connectors.myob.setup import connection_connect, redirect_uri
    from sandbox.myob.oauth import issue_token, token_body
    from sandbox.myob.services import api_key_create, business_with_catalog
    from tenants.models import Connection
    from tenants.services import tenant_create

    key = api_key_create(
        settings.MYOB_CLIENT_ID, settings.MYOB_CLIENT_SECRET, redirect_uri=redirect_uri(),
        per_second_limit=MYOB_PER_SECOND,
    )  # fmt: skip
    started = time.monotonic()
    business = business_with_catalog(skus, requires_cftoken=False)
    seeded = time.monotonic() - started
    tenant = tenant_create(name="Bench catalog")
    connection = Connection.objects.create(
        tenant=tenant, name="Bench catalog → MYOB", store_hash="benchitems", erp_kind="myob"
    )
    tokens = token_body(issue_token(key, str(business.uid), MYOB_SCOPES))
    connection_connect(
        connection, tokens=tokens, business_id=str(business.uid), business_name=business.name
    )
    return business, Connection.objects.get(pk=connection.pk), seeded


def timed_read(connection, since) -> tuple[list, dict]:
    from audit.models import ApiCall
    from connectors.myob.connector import MyobConnector

    before = ApiCall.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    started = time.monotonic()
    pages = list(MyobConnector(connection).changed_items(since))
    seconds = time.monotonic() - started
    calls = ApiCall.objects.filter(pk__gt=before, operation="inventory.item.list")
    waited = sum(calls.values_list("duration_ms", flat=True)) / 1000
    records = [record for page in pages for record in page]
    figures = {"pages": len(pages), "items": len(records), "calls": calls.count(), "s": seconds}
    return records, figures | {"answers": waited}


def show(label: str, figures: dict) -> None:
    per_page = figures["s"] / max(figures["pages"], 1)
    print(
        f"{label}: {figures['items']} items on {figures['pages']} pages, {figures['calls']} calls, "
        f"{figures['s']:.2f} s ({per_page:.2f} s a page, {figures['answers']:.2f} s of it waiting "
        "for MYOB's answers)",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--share", type=float, default=0.05)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    passed = False
    with Stack(db_name=DB_NAME) as stack:
        try:
            stack.database_ready()
            from sandbox.myob.services import items_change

            stack.web_start()
            business, connection, seeded = connection_to_new_file(args.skus)
            print(f"{args.skus} catalog SKUs put in the company file in {seeded:.1f} s", flush=True)
            everything, first = timed_read(connection, None)
            show("first read (every sold item)", first)
            cursor = max(record.modified_at for record in everything)
            changed = items_change(
                business, share=args.share, price_factor="0.9", stock_delta=-1, seed=1
            )
            found, later = timed_read(connection, cursor)
            show(f"read from the cursor after {len(changed)} items changed", later)
            passed = sorted(r.data.sku for r in found) == sorted(i.data["Number"] for i in changed)
            print("the changed read yields exactly the changed items:", passed, flush=True)
        finally:
            stack.finish(keep_db=args.keep_db, keep_files=False)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
