"""Reconciliation of a month of 5,000 orders: the store's order list against MYOB's invoices,
both read over HTTP from the sandboxes as a run reads them, and what it costs.

The production stack on loopback (benchmarks/harness.py): PostgreSQL (its own database), a
redis-server of its own (the rate budgets), gunicorn serving the sandbox store and the sandbox
MYOB. The month is seeded straight into the sandboxes' tables (not through the pipeline): N orders
in the store spread over last month, each with one line, and for each an invoice in the company
file carrying "BC-<order id>" with the order's total. Planted among them: invoices deleted,
orders invoiced twice, totals changed, and orders cancelled in the store (never sent).

The run is the product's (reconciliation.services.run_execute), in this process, on a connection
signed in to the company file; MYOB's API key at 8 calls/s as in production, the store's quota at
BigCommerce's Plus plan (150 per 30 s). Figures: wall time of the run, calls to each side (from
the API call log), and whether the findings are exactly the planted ones.

Run:  .venv/bin/python benchmarks/reconcile_month.py [--orders 5000] [--keep-db]
"""

import argparse
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import Stack  # noqa: E402

DB_NAME = f"mlc_bench_recon_{os.getpid()}"
MYOB_PER_SECOND = 8
MYOB_SCOPES = "sme-company-file sme-sales"
PLANTED = {"missing": 7, "duplicate": 5, "total": 6, "skipped": 9}
CANCELLED = 5


def seed(base_url: str, orders: int):
    """(connection, period start, period end, {kind: order ids planted})."""
    from django.conf import settings

    from connectors.myob.setup import connection_connect, redirect_uri
    from reconciliation.services import last_month
    from sandbox.bigcommerce.models import BcOrder, BcOrderProduct, BcVariant
    from sandbox.bigcommerce.services import store_create
    from sandbox.myob.models import MyobRecord
    from sandbox.myob.oauth import issue_token, token_body
    from sandbox.myob.services import api_key_create, business_create
    from tenants.models import Connection
    from tenants.services import tenant_create

    start, end = last_month(datetime.now(UTC).date())
    days = (end - start).days + 1
    store = store_create("benchrecon", quota=150)
    variant = BcVariant.objects.filter(product__store=store).select_related("product").first()
    placed = [
        datetime.combine(start, datetime.min.time(), tzinfo=UTC)
        + timedelta(seconds=int(i * days * 86400 / orders))
        for i in range(orders)
    ]
    cancelled = set(range(3, orders, orders // PLANTED["skipped"]))
    rows = BcOrder.objects.bulk_create(
        BcOrder(store=store, status_id=CANCELLED if i in cancelled else 11,
                shipping_cost_ex_tax=Decimal("10"), shipping_cost_tax=Decimal("1"))
        for i in range(orders)
    )  # fmt: skip
    for row, moment in zip(rows, placed, strict=True):
        row.date_created = moment
    BcOrder.objects.bulk_update(rows, ["date_created"], batch_size=1000)
    BcOrderProduct.objects.bulk_create(
        BcOrderProduct(order=row, product=variant.product, variant_id=variant.pk, sku=variant.sku,
                       name=variant.product.name, quantity=1 + i % 3,
                       price_ex_tax=Decimal("20") + i % 50, price_tax=Decimal("2") + Decimal(i % 50) / 10)
        for i, row in enumerate(rows)
    )  # fmt: skip

    key = api_key_create(settings.MYOB_CLIENT_ID, settings.MYOB_CLIENT_SECRET,
                         redirect_uri=redirect_uri(), per_second_limit=MYOB_PER_SECOND)  # fmt: skip
    business = business_create("Bench reconciliation", requires_cftoken=False)
    sent = [(i, row) for i, row in enumerate(rows) if i not in cancelled]
    missing = {
        row.pk for _, row in sent[5 :: len(sent) // PLANTED["missing"]][: PLANTED["missing"]]
    }
    twice = {
        row.pk for _, row in sent[7 :: len(sent) // PLANTED["duplicate"]][: PLANTED["duplicate"]]
    }
    changed = {
        row.pk for _, row in sent[11 :: len(sent) // PLANTED["total"]][: PLANTED["total"]]
    } - twice
    invoices = []
    for i, row in sent:
        if row.pk in missing:
            continue
        quantity = 1 + i % 3
        total = (Decimal("20") + i % 50 + Decimal("2") + Decimal(i % 50) / 10) * quantity + 11
        total += Decimal("4.50") if row.pk in changed else 0
        for _copy in range(2 if row.pk in twice else 1):
            data = {"Number": f"{len(invoices) + 1:08d}", "CustomerPurchaseOrderNumber": f"BC-{row.pk}",
                    "Date": placed[i].replace(tzinfo=None).isoformat(timespec="seconds"),
                    "TotalAmount": float(total), "TotalTax": 0, "Lines": [], "InvoiceType": "Item"}  # fmt: skip
            invoices.append(MyobRecord(business=business, resource="Sale/Invoice/Item", data=data,
                                       created=placed[i], last_modified=placed[i]))  # fmt: skip
    MyobRecord.objects.bulk_create(invoices, batch_size=1000)

    tenant = tenant_create(name="Bench reconciliation")
    connection = Connection.objects.create(
        tenant=tenant, name="Bench store → MYOB", store_hash=store.store_hash, erp_kind="myob",
        bc_api_url=f"{base_url}/sandbox/bigcommerce", bc_access_token=store.access_token,
    )  # fmt: skip
    tokens = token_body(issue_token(key, str(business.uid), MYOB_SCOPES))
    connection_connect(
        connection, tokens=tokens, business_id=str(business.uid), business_name=business.name
    )
    planted = {
        "missing": missing, "duplicate": twice, "total": changed,
        "skipped": {rows[i].pk for i in cancelled},
    }  # fmt: skip
    return Connection.objects.get(pk=connection.pk), start, end, planted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    passed = False
    with Stack(db_name=DB_NAME) as stack:
        try:
            stack.database_ready()
            stack.web_start()
            started = time.monotonic()
            connection, start, end, planted = seed(stack.base_url, args.orders)
            print(f"{args.orders} orders and their invoices seeded in {time.monotonic() - started:.1f} s "
                  f"({start} to {end})", flush=True)  # fmt: skip
            from audit.models import ApiCall
            from reconciliation.models import ReconciliationRun
            from reconciliation.services import run_execute, run_start

            run = run_start(connection=connection, start=start, end=end)
            started = time.monotonic()
            run_execute(run.pk)
            seconds = time.monotonic() - started
            run = ReconciliationRun.objects.get(pk=run.pk)
            calls = ApiCall.objects.filter(correlation_id=run.correlation)
            store_calls = calls.filter(system="bigcommerce")
            waited = {
                "store": sum(store_calls.values_list("duration_ms", flat=True)) / 1000,
                "erp": sum(
                    calls.exclude(system="bigcommerce").values_list("duration_ms", flat=True)
                )
                / 1000,
            }
            print(f"run: {run.get_state_display()}: {run.message}", flush=True)
            print(f"wall time {seconds:.1f} s; calls: store {run.store_calls} "
                  f"({waited['store']:.1f} s in answers), MYOB {run.erp_calls} "
                  f"({waited['erp']:.1f} s in answers)", flush=True)  # fmt: skip
            found = {kind: set() for kind in planted}
            for order_id, kind in run.findings.values_list("order_id", "kind"):
                found[kind].add(int(order_id))
            for kind in planted:
                print(
                    f"  {kind}: planted {len(planted[kind])}, found {len(found[kind])}", flush=True
                )
            passed = found == planted and run.store_orders == args.orders
            print("the findings are exactly the planted ones:", passed, flush=True)
        finally:
            stack.finish(keep_db=args.keep_db, keep_files=False)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
