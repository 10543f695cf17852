"""Throughput of BigCommerce orders into SYSPRO over e.net REST, one operator session at a time.

The production stack on loopback (benchmarks/harness.py: PostgreSQL, redis-server, gunicorn with
the app and the sandboxes, the Celery workers and beat). One tenant: a sandbox BigCommerce store
on the Standard plan (150 requests / 30 s), connected to a sandbox SYSPRO company (its operator,
warehouse WH01, the store's SKUs as stock items, 3 e.net seats), activated. N orders (default
200) are placed in the store at once; their signed webhooks reach the app over HTTP and each order
becomes a customer (found or added with ARSSCS) and, in billing mode, a sales order (SORTOI)
invoiced at once (SORTIC).

SYSPRO allows one session per operator, so the connector makes every call of the operator one at
a time (a budget of concurrency 1) and shares one Logon among the jobs of a cycle (jobs that run
back to back while more are due); the last one logs off.

Figures come from the database afterwards: the sandbox's own records (sales orders by their
CustomerPoNumber, invoices), every call the sandbox answered (SysproCall, by business object),
SyncJob, and the audit's store calls. Cycles are counted by their Logoffs (each cycle ends with
one; a session still open at the end counts as one more). PASS only with every order in SYSPRO
once and invoiced, no failed job.

Run:  .venv/bin/python benchmarks/syspro_orders.py [--orders 200] [--settle-timeout 2700]
"""

import argparse
import os
import random
import sys
import time
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

DB_NAME = f"mlc_bench_syspro_{os.getpid()}"
REFERENCE = "BigCommerce "
OPERATOR_PASSWORD = "bench-operator-pw"  # noqa: S105 - a sandbox's


def shop_create(stack: Stack, args) -> Shop:
    """The tenant, its store, its SYSPRO company (the store's SKUs as stock) and the connection,
    activated (store hooks registered over HTTP)."""
    from sandbox.bigcommerce.services import CATALOG, store_create
    from sandbox.syspro import services as sps
    from tenants.models import Connection
    from tenants.services import connection_activate, tenant_create

    stock = [
        (option_sku, name[:50], price, 100_000)
        for name, sku, price, options in CATALOG
        for option_sku in ([o[0] for o in options] or [sku])
    ]
    company = sps.syspro_create(company_id="BENCH", operator_password=OPERATOR_PASSWORD,
                                stock=stock, seats=3)  # fmt: skip
    shop = Shop(label="big", weight=1.0, erp="syspro", ledger=company)
    shop.store = store_create("bench1", name="Bench store", quota=STANDARD_QUOTA,
                              window_ms=STANDARD_WINDOW_MS)  # fmt: skip
    connection = Connection.objects.create(
        tenant=tenant_create(name="Bench SYSPRO"), name="Bench → SYSPRO",
        store_hash=shop.store.store_hash, bc_api_url=f"{stack.base_url}/sandbox/bigcommerce",
        bc_client_id=shop.store.client_id, bc_access_token=shop.store.access_token,
        bc_client_secret=shop.store.client_secret, erp_kind="syspro",
        erp_settings={
            "server_url": sps.server_url(stack.base_url), "operator": "MLC",
            "company_id": company.company_id, "warehouse": "WH01", "order_mode": "billing",
            "customer_code_scheme": "prefix", "customer_code_prefix": "BC",
            "product_class": "_WEB", "tax_codes": "10=A, 0=E",
        },
        erp_secrets={"operator_password": OPERATOR_PASSWORD, "company_password": ""},
    )  # fmt: skip
    shop.connection = connection_activate(connection=connection)
    return shop


def documents(shop: Shop) -> dict[str, list[dict]]:
    """Order id -> its sales orders in SYSPRO (by CustomerPoNumber): LastInvoice, created_at."""
    from sandbox.syspro.models import SysproSalesOrder

    found: dict[str, list[dict]] = {}
    rows = SysproSalesOrder.objects.filter(company=shop.ledger).values(
        "customer_po_number", "last_invoice", "created_at"
    )
    for row in rows:
        reference = row["customer_po_number"]
        if reference.startswith(REFERENCE):
            found.setdefault(reference.removeprefix(REFERENCE), []).append(
                {"LastInvoice": row["last_invoice"], "created_at": row["created_at"]}
            )
    return found


def settle(run: Run, timeout: float) -> float | None:
    def missing():
        docs = documents(run.shops[0])
        return [p for p in run.placed if not _invoiced(docs.get(str(p.order_id)))]

    return settled_when(missing, timeout=timeout)


def _invoiced(orders) -> bool:
    return bool(orders) and any(o.get("LastInvoice") for o in orders)


def figures(run: Run, settled_at: float | None) -> bool:
    from audit.models import ApiCall
    from sandbox.syspro.models import SysproCall
    from sandbox.syspro.services import call_counts, invoices, sessions
    from sync.models import JobState, SyncJob

    shop, placed = run.shops[0], run.placed
    docs = documents(shop)
    missing = [p for p in placed if str(p.order_id) not in docs]
    uninvoiced = [
        p for p in placed if str(p.order_id) in docs and not _invoiced(docs[str(p.order_id)])
    ]
    duplicates = sum(len(docs[str(p.order_id)]) - 1 for p in placed if str(p.order_id) in docs)
    jobs = SyncJob.objects.filter(kind="order")
    failed = jobs.filter(state=JobState.FAILED).count()
    retried = jobs.filter(attempts__gt=1).count()
    counts = call_counts(shop.ledger)
    calls = SysproCall.objects.filter(company=shop.ledger)
    total_calls = calls.count()
    logons, logoffs = counts.get("Logon", 0), counts.get("Logoff", 0)
    cycles = logoffs + len(sessions(shop.ledger))
    n = len(placed)
    created = {
        str(p.order_id): min(_ts(o["created_at"]) for o in docs[str(p.order_id)])
        for p in placed
        if str(p.order_id) in docs
    }
    finished = settled_at or time.time()
    span = (max(created.values()) if created else finished) - run.started
    waits = [created[str(p.order_id)] - p.at for p in placed if str(p.order_id) in created]
    store_calls = ApiCall.objects.filter(system="bigcommerce", created_at__gte=run.started_at)
    objects = {k: v for k, v in sorted(counts.items()) if k != "errors"}
    print()
    print(f"orders placed: {n}; in SYSPRO: {n - len(missing)}; lost: {len(missing)}; not "
          f"invoiced: {len(uninvoiced)}; duplicated sales orders: {duplicates}; invoices: "
          f"{len(invoices(shop.ledger))}; failed jobs: {failed}; jobs that ran more than once: "
          f"{retried}")  # fmt: skip
    print(f"throughput: {n} orders in {span:.0f} s = {n / span * 60:.1f} orders/minute")
    if waits:
        print(f"order placed -> sales order in SYSPRO: {_p(waits)}")
    print(f"sessions: {logons} Logons, {logoffs} Logoffs, {cycles} cycles = "
          f"{logons / max(cycles, 1):.2f} Logons per cycle")  # fmt: skip
    print(f"SYSPRO calls: {total_calls} = {total_calls / max(n, 1):.2f} per order; by object: "
          f"{objects}; ERROR answers: {counts.get('errors', 0)}")  # fmt: skip
    print(f"store calls: {store_calls.count()} = {store_calls.count() / max(n, 1):.2f} per order")
    passed = (settled_at is not None and not missing and not uninvoiced and not duplicates
              and not failed)  # fmt: skip
    print("PASS" if passed else "FAIL")
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--settle-timeout", type=float, default=2700.0)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    random.seed(args.seed)  # the sandbox store's random baskets and shoppers

    passed = False
    with Stack(db_name=DB_NAME) as stack:
        try:
            print(f"{args.orders} orders into SYSPRO; database {DB_NAME}; logs in {stack.dir}",
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
            settled = settle(run, args.settle_timeout)
            run.note("settled" if settled else f"NOT settled within {args.settle_timeout:.0f} s")
            passed = figures(run, settled)
        except KeyboardInterrupt:
            print("interrupted; stopping everything", flush=True)
        finally:
            stack.finish(keep_db=args.keep_db, keep_files=not passed)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
