"""Throughput of BigCommerce orders into Acumatica under the licence's limits.

The production stack on loopback (benchmarks/harness.py: PostgreSQL, redis-server, gunicorn with
the app and the sandboxes, the Celery workers and beat). One tenant: a sandbox BigCommerce store
on the Standard plan (150 requests / 30 s), connected to a sandbox Acumatica instance whose
licence allows `--per-minute` Web Services API requests a minute and `--concurrent` at once (the
sandbox delays each request once the past minute reached half the limit and declines with 429
when more than 20 are queued, as Acumatica's licence does). N orders (default 200) are placed
in the store at once; their signed webhooks reach the app over HTTP and each order becomes a
customer (found or created) and a document in Acumatica: a sales order, or with
`--document order_invoice` a sales order, its prepared invoice released, or with
`--document invoice` a released AR invoice.

Figures come from the database afterwards: the sandbox's own records (documents by ExternalRef,
every call that reached the instance with its licence delay and status), SyncJob, and the audit's
store calls. PASS only with every order in Acumatica once, no failed job.

Run:  .venv/bin/python benchmarks/acumatica_orders.py [--orders 200] [--per-minute 150]
      [--concurrent 3] [--document sales_order|order_invoice|invoice] [--settle-timeout 2700]
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

DB_NAME = f"mlc_bench_acumatica_{os.getpid()}"
INSTANCE, TENANT = "bench", "BenchCo"
# Third-party figures for a small licence (UNCONFIRMED by Acumatica: the tiers are not published).
PER_MINUTE, CONCURRENT = 150, 3
DOCUMENT_ENTITY = {"sales_order": "SalesOrder", "order_invoice": "SalesInvoice",
                   "invoice": "SalesInvoice"}  # fmt: skip


def shop_create(stack: Stack, args) -> Shop:
    """The tenant, its store, its Acumatica instance (the store's SKUs as stock items) and the
    connection, signed in as an API user and activated (hooks registered over HTTP)."""
    from connectors.acumatica.setup import connection_connect
    from sandbox.acumatica import services as acumatica
    from sandbox.bigcommerce.services import CATALOG, store_create
    from tenants.models import Connection
    from tenants.services import connection_activate, tenant_create

    instance = acumatica.instance_create(
        INSTANCE, requests_per_minute=args.per_minute, concurrent=args.concurrent
    )
    ledger = acumatica.tenant_create(instance, TENANT)
    for name, sku, price, options in CATALOG:
        for option_sku in [o[0] for o in options] or [sku]:
            acumatica.stock_item_set(ledger, option_sku, price=price, description=name,
                                     qty_by_warehouse={"WHOLESALE": 500})  # fmt: skip
    app = acumatica.app_create(ledger)
    user = acumatica.user_create(ledger, "mlconnector", "bench-password")
    shop = Shop(label="big", weight=1.0, erp="acumatica", ledger=ledger)
    shop.store = store_create("bench1", name="Bench store", quota=STANDARD_QUOTA,
                              window_ms=STANDARD_WINDOW_MS)  # fmt: skip
    connection = Connection.objects.create(
        tenant=tenant_create(name="Bench Acumatica"), name="Bench → Acumatica",
        store_hash=shop.store.store_hash, bc_api_url=f"{stack.base_url}/sandbox/bigcommerce",
        bc_client_id=shop.store.client_id, bc_access_token=shop.store.access_token,
        bc_client_secret=shop.store.client_secret, erp_kind="acumatica",
        erp_settings={
            "instance_url": f"{stack.base_url}/sandbox/acumatica/{INSTANCE}", "tenant": TENANT,
            "endpoint_version": "24.200.001", "client_id": app.client_id, "sign_in": "api_user",
            "username": user.username, "document": args.document, "order_type": "SO",
            "customer_class": "WEB", "warehouse": "WHOLESALE", "payment_method": "BIGCOMMERCE",
            "cash_account": "10250", "requests_per_minute": args.per_minute,
            "concurrent_requests": args.concurrent,
        },
        erp_secrets={"client_secret": app.client_secret, "password": user.password},
    )  # fmt: skip
    connection_connect(connection, tokens=acumatica.demo_tokens(app, user))
    shop.connection = connection_activate(connection=connection)
    return shop


def documents(shop: Shop, entity: str) -> dict[str, list]:
    """Order id -> creation times of its documents (ExternalRef "BC-<order id>")."""
    from sandbox.acumatica.models import AcuRecord

    found: dict[str, list] = {}
    for record in AcuRecord.objects.filter(tenant=shop.ledger, entity=entity):
        reference = str((record.data.get("ExternalRef") or {}).get("value") or "")
        if reference.startswith("BC-"):
            found.setdefault(reference[3:], []).append(record.created)
    return found


def settle(run: Run, entity: str, timeout: float) -> float | None:
    def missing():
        docs = documents(run.shops[0], entity)
        return [p for p in run.placed if str(p.order_id) not in docs]

    return settled_when(missing, timeout=timeout)


def figures(run: Run, entity: str, settled_at: float | None, args) -> bool:
    from audit.models import ApiCall
    from sandbox.acumatica.models import AcuCall
    from sync.models import JobState, SyncJob

    shop, placed = run.shops[0], run.placed
    docs = documents(shop, entity)
    missing = [p for p in placed if str(p.order_id) not in docs]
    duplicates = sum(len(docs[str(p.order_id)]) - 1 for p in placed if str(p.order_id) in docs)
    jobs = SyncJob.objects.filter(kind="order")
    failed = jobs.filter(state=JobState.FAILED).count()
    calls = AcuCall.objects.filter(instance=shop.ledger.instance, created_at__gte=run.started_at)
    statuses = Counter(calls.values_list("status_code", flat=True))
    delays = [ms for ms in calls.values_list("delay_ms", flat=True) if ms]
    n = len(placed)
    firsts = [min(docs[str(p.order_id)]) for p in placed if str(p.order_id) in docs]
    span = (max(_ts(t) for t in firsts) - run.started) if firsts else float("nan")
    waits = [_ts(min(docs[str(p.order_id)])) - p.at for p in placed if str(p.order_id) in docs]
    store_calls = ApiCall.objects.filter(system="bigcommerce", created_at__gte=run.started_at)
    print()
    print(f"licence: {args.per_minute} requests/minute, {args.concurrent} at once; "
          f"document: {args.document}")  # fmt: skip
    print(f"orders placed: {n}; in Acumatica: {n - len(missing)}; missing: {len(missing)}; "
          f"duplicate documents: {duplicates}; failed jobs: {failed}")  # fmt: skip
    print(f"throughput: {n} orders in {span:.0f} s = {n / span * 60:.1f} orders/minute")
    print(f"order placed -> document in Acumatica: {_p(waits)}")
    print(f"Acumatica calls: {calls.count()} = {calls.count() / max(n, 1):.2f} per order; "
          f"answers: {dict(sorted(statuses.items()))}")  # fmt: skip
    print(f"429s from the licence: {statuses.get(429, 0)}; calls the licence delayed: "
          f"{len(delays)} ({sum(delays) / 1000:.0f} s in all, longest {max(delays, default=0) / 1000:.1f} s)")  # fmt: skip
    print(f"store calls: {store_calls.count()} = {store_calls.count() / max(n, 1):.2f} per order")
    passed = settled_at is not None and not missing and not duplicates and not failed
    print("PASS" if passed else "FAIL")
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--per-minute", type=int, default=PER_MINUTE)
    parser.add_argument("--concurrent", type=int, default=CONCURRENT)
    parser.add_argument("--document", choices=sorted(DOCUMENT_ENTITY), default="sales_order")
    parser.add_argument("--settle-timeout", type=float, default=2700.0)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    random.seed(args.seed)  # the sandbox store's random baskets and shoppers
    entity = DOCUMENT_ENTITY[args.document]

    passed = False
    with Stack(db_name=DB_NAME) as stack:
        try:
            print(f"{args.orders} orders into Acumatica; database {DB_NAME}; logs in {stack.dir}",
                  flush=True)  # fmt: skip
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
            settled = settle(run, entity, args.settle_timeout)
            run.note("settled" if settled else f"NOT settled within {args.settle_timeout:.0f} s")
            passed = figures(run, entity, settled, args)
        except KeyboardInterrupt:
            print("interrupted; stopping everything", flush=True)
        finally:
            stack.finish(keep_db=args.keep_db, keep_files=not passed)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
