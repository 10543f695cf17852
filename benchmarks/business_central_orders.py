"""Throughput of BigCommerce orders into Business Central under its API limits.

The production stack on loopback (benchmarks/harness.py: PostgreSQL, redis-server, gunicorn with
the app and the sandboxes, the Celery workers and beat). One tenant: a sandbox BigCommerce store
on the Standard plan (150 requests / 30 s), connected to a sandbox Business Central company whose
environment holds Business Central's per-user limits (6,000 requests in a sliding 5-minute
window, then 429; 5 at once, more queued up to 95, then 429), activated (its change
subscriptions live). N orders (default 300) are placed in the store at once; their signed
webhooks reach the app over HTTP and each order becomes a customer (found or created) and a
posted sales invoice (or with `--document sales_order` a sales order) in Business Central.

`--window` shrinks the sliding window on both sides the same way (the sandbox's environment and
the connector's BC_RATE_WINDOW_SECONDS) and `--per-window` lowers the sandbox's count (the
connector keeps Business Central's 6,000): a lower ceiling the burst meets within a few minutes,
to see the 429s answered.

Figures come from the database afterwards: the sandbox's own records (invoices by their
reference, created when their BcChange says), every call the environment answered (BcCall: its
status), SyncJob, and the audit's store calls. PASS only with every order in Business Central
once, no failed job.

Run:  .venv/bin/python benchmarks/business_central_orders.py [--orders 300] [--window 300]
      [--per-window 6000] [--concurrent 5] [--document sales_invoice|sales_order]
      [--settle-timeout 2700]
"""

import argparse
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.faults import (  # noqa: E402
    STANDARD_QUOTA,
    STANDARD_WINDOW_MS,
    Placer,
    Run,
    Shop,
    _p,
    _ts,
    quiet,
)
from benchmarks.harness import Stack, settled_when  # noqa: E402

DB_NAME = f"mlc_bench_bc_{os.getpid()}"
# Business Central's per-user limits online (operational-limits-online.md).
PER_WINDOW, WINDOW, CONCURRENT = 6_000, 300, 5
DOCUMENT_SET = {"sales_invoice": "salesInvoices", "sales_order": "salesOrders"}
REFERENCE_FIELD = {"salesInvoices": "customerPurchaseOrderReference",
                   "salesOrders": "externalDocumentNumber"}  # fmt: skip
REFERENCE = "BigCommerce "


def shop_create(stack: Stack, args) -> Shop:
    """The tenant, its store, its Business Central company (the store's SKUs as items) and the
    connection, activated (store hooks registered, change subscriptions made, over HTTP)."""
    from sandbox.bigcommerce.services import CATALOG, store_create
    from sandbox.business_central import services as bcs
    from tenants.models import Connection
    from tenants.services import connection_activate, tenant_create

    items = [
        (option_sku, name, price)
        for name, sku, price, options in CATALOG
        for option_sku in ([o[0] for o in options] or [sku])
    ]
    bc = bcs.bc_create(stack.base_url, slug="bench", items=items,
                       requests_per_window=args.per_window, window_seconds=args.window,
                       concurrent=args.concurrent)  # fmt: skip
    for number, _, _ in items:  # enough stock for the burst
        bcs.item_set(bc.company, number, inventory=10_000)
    shop = Shop(label="big", weight=1.0, erp="business_central", ledger=bc)
    shop.store = store_create("bench1", name="Bench store", quota=STANDARD_QUOTA,
                              window_ms=STANDARD_WINDOW_MS)  # fmt: skip
    connection = Connection.objects.create(
        tenant=tenant_create(name="Bench Business Central"), name="Bench → Business Central",
        store_hash=shop.store.store_hash, bc_api_url=f"{stack.base_url}/sandbox/bigcommerce",
        bc_client_id=shop.store.client_id, bc_access_token=shop.store.access_token,
        bc_client_secret=shop.store.client_secret, erp_kind="business_central",
        erp_settings={
            "tenant_id": str(bc.tenant.entra_id), "environment": bc.environment.name,
            "company_id": str(bc.company.id), "client_id": bc.app.client_id,
            "document": args.document, "shipping_account": "40200",
            "customer_template": bc.customer_template, "tax_check": "warn",
            "refund_account": "40100",
        },
        erp_secrets={"client_secret": bc.app.client_secret},
    )  # fmt: skip
    shop.connection = connection_activate(connection=connection)
    return shop


def documents(shop: Shop, entity_set: str) -> dict[str, list]:
    """Order id -> creation times of its documents (by the order's reference)."""
    from sandbox.business_central.models import BcChange, BcRecord

    changes = BcChange.objects.filter(
        company=shop.ledger.company, entity_set=entity_set, change_type="created"
    )
    created = dict(changes.values_list("record_id", "at"))
    found: dict[str, list] = {}
    field = REFERENCE_FIELD[entity_set]
    for record in BcRecord.objects.filter(company=shop.ledger.company, entity_set=entity_set):
        reference = str(record.data.get(field) or "")
        if reference.startswith(REFERENCE) and record.record_id in created:
            found.setdefault(reference.removeprefix(REFERENCE), []).append(
                created[record.record_id]
            )
    return found


def settle(run: Run, entity_set: str, timeout: float) -> float | None:
    def missing():
        docs = documents(run.shops[0], entity_set)
        return [p for p in run.placed if str(p.order_id) not in docs]

    return settled_when(missing, timeout=timeout)


def figures(run: Run, entity_set: str, settled_at: float | None, args) -> bool:
    from audit.models import ApiCall
    from sandbox.business_central.models import BcCall
    from sync.models import JobState, SyncJob

    shop, placed = run.shops[0], run.placed
    docs = documents(shop, entity_set)
    missing = [p for p in placed if str(p.order_id) not in docs]
    duplicates = sum(len(docs[str(p.order_id)]) - 1 for p in placed if str(p.order_id) in docs)
    jobs = SyncJob.objects.filter(kind="order")
    failed = jobs.filter(state=JobState.FAILED).count()
    retried = jobs.filter(attempts__gt=1).count()
    calls = BcCall.objects.filter(environment=shop.ledger.environment,
                                  created_at__gte=run.started_at)  # fmt: skip
    statuses = Counter(calls.values_list("status_code", flat=True))
    n = len(placed)
    firsts = [min(docs[str(p.order_id)]) for p in placed if str(p.order_id) in docs]
    span = (max(_ts(t) for t in firsts) - run.started) if firsts else float("nan")
    waits = [_ts(min(docs[str(p.order_id)])) - p.at for p in placed if str(p.order_id) in docs]
    per_order = calls.count() / max(n, 1)
    windows = Counter(int(_ts(moment) // args.window)
                      for moment in calls.values_list("created_at", flat=True))  # fmt: skip
    ceiling = args.per_window / args.window * 60 / max(per_order, 0.001)
    store_calls = ApiCall.objects.filter(system="bigcommerce", created_at__gte=run.started_at)
    print()
    print(f"limits: {args.per_window} requests per {args.window:.0f} s sliding window, "
          f"{args.concurrent} at once; document: {args.document}")  # fmt: skip
    print(f"orders placed: {n}; in Business Central: {n - len(missing)}; missing: "
          f"{len(missing)}; duplicate documents: {duplicates}; failed jobs: {failed}; "
          f"jobs that ran more than once: {retried}")  # fmt: skip
    print(f"throughput: {n} orders in {span:.0f} s = {n / span * 60:.1f} orders/minute "
          f"(the window's ceiling at {per_order:.2f} calls per order: {ceiling:.0f} "
          "orders/minute)")  # fmt: skip
    print(f"order placed -> document in Business Central: {_p(waits)}")
    print(f"Business Central calls: {calls.count()} = {per_order:.2f} per order; most in one "
          f"window: {max(windows.values(), default=0)}; answers: "
          f"{dict(sorted(statuses.items()))}")  # fmt: skip
    print(f"429s: {statuses.get(429, 0)}; 503s: {statuses.get(503, 0)}")
    print(f"store calls: {store_calls.count()} = {store_calls.count() / max(n, 1):.2f} per order")
    passed = settled_at is not None and not missing and not duplicates and not failed
    print("PASS" if passed else "FAIL")
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--window", type=float, default=WINDOW)
    parser.add_argument("--per-window", type=int, default=PER_WINDOW)
    parser.add_argument("--concurrent", type=int, default=CONCURRENT)
    parser.add_argument("--document", choices=sorted(DOCUMENT_SET), default="sales_invoice")
    parser.add_argument("--settle-timeout", type=float, default=2700.0)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    random.seed(args.seed)  # the sandbox store's random baskets and shoppers
    entity_set = DOCUMENT_SET[args.document]
    # The connector's window, shrunk as the sandbox's is (web and workers inherit it).
    os.environ["BC_RATE_WINDOW_SECONDS"] = str(args.window)

    passed = False
    with Stack(db_name=DB_NAME) as stack:
        try:
            print(f"{args.orders} orders into Business Central; database {DB_NAME}; logs in "
                  f"{stack.dir}", flush=True)  # fmt: skip
            stack.production_start()
            from django.utils import timezone

            run = Run(shops=[shop_create(stack, args)])
            quiet(300, "the activation's customer pull finished")
            placer = Placer(run, random.Random(args.seed), 0.0)
            run.started, run.started_at = time.time(), timezone.now()
            for _ in range(args.orders):
                placer.place(run.shops[0])
            placer.finish()
            run.note(f"{len(run.placed)} orders placed")
            settled = settle(run, entity_set, args.settle_timeout)
            run.note("settled" if settled else f"NOT settled within {args.settle_timeout:.0f} s")
            passed = figures(run, entity_set, settled, args)
        except KeyboardInterrupt:
            print("interrupted; stopping everything", flush=True)
        finally:
            stack.finish(keep_db=args.keep_db, keep_files=not passed)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
