"""The catalog push at catalog size: a sandbox store and a sandbox MYOB company file sharing the
generated catalog (sandbox/catalog_seed.py) of N SKUs, about half of them options. The store's
prices are 5 % off and its stock empty, so the first push writes every price and every tracked
level; then a share of the MYOB items changes (price and stock) and a second push follows.

The production stack on loopback (benchmarks/harness.py): PostgreSQL, a redis-server of its own,
gunicorn serving both sandboxes, a Celery worker running the batches as sync jobs. The plan runs
in this process (so its memory can be measured); the store keeps BigCommerce's Standard plan
ceiling, 150 requests per 30 s, and MYOB its 8 calls per second.

Figures per push: seconds planning and writing; store calls (reads, writes) and calls per changed
SKU; written rows that carried no change (the store had the value already: the target is 0);
store calls per second while writing, against the ceiling (5/s; the push's share is 93 %); the
plan's peak Python memory (tracemalloc) and this process's peak RSS.

Run:  .venv/bin/python benchmarks/catalog_push.py [--skus 10000] [--share 0.01] [--keep-db]
"""

import argparse
import os
import resource
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import Stack, wait_for  # noqa: E402

DB_NAME = f"mlc_bench_catalog_{os.getpid()}"
CEILING = 150 / 30  # the store's requests per second (Standard plan)
WRITES = ("catalog.products_update", "catalog.variants_update", "inventory.absolute")


def shop(stack, skus: int):
    """(the store, the MYOB company file, an active connection joining them)."""
    from benchmarks.myob_items import connection_to_new_file
    from catalog.services import settings_update
    from sandbox.bigcommerce.catalog_build import catalog_rebuild
    from sandbox.bigcommerce.services import store_create
    from tenants.models import Connection, ConnectionStatus

    business, connection, _ = connection_to_new_file(skus)
    store = store_create("benchcatalog")
    catalog_rebuild(store, skus, shopfront=False)
    settings_update(connection, enabled=True)
    Connection.objects.filter(pk=connection.pk).update(
        store_hash=store.store_hash, bc_api_url=f"{stack.base_url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, bc_client_secret=store.client_secret,
        status=ConnectionStatus.ACTIVE,  # no activation: no hooks, no backfill
    )  # fmt: skip
    return store, business, Connection.objects.get(pk=connection.pk)


def store_drift(store) -> None:
    """The store's prices 5 % off and its stock gone: the first push has everything to write."""
    from django.db.models import F

    from sandbox.bigcommerce.models import BcProduct, BcStock, BcVariant

    BcProduct.objects.filter(store=store).update(price=F("price") * Decimal("1.05"))
    options = BcVariant.objects.filter(product__store=store, price__isnull=False)
    options.update(price=F("price") * Decimal("1.05"))
    BcStock.objects.filter(product__store=store).update(quantity=0)


def store_values(store) -> dict:
    """{(kind, id): {"price", "sale_price", "cost"}} and {(kind, id, location): units} as the store
    holds them, to tell written rows that changed nothing."""
    from sandbox.bigcommerce.models import BcProduct, BcStock, BcVariant

    values = {}
    for p in BcProduct.objects.filter(store=store).values(
        "pk", "price", "sale_price", "cost_price"
    ):
        values[("product", p["pk"])] = (p["price"], p["sale_price"], p["cost_price"])
    for v in BcVariant.objects.filter(product__store=store).values(
        "pk", "price", "sale_price", "cost_price", "product__price", "product__sale_price",
        "product__cost_price",
    ):  # fmt: skip
        values[("variant", v["pk"])] = (
            v["price"] if v["price"] is not None else v["product__price"],
            v["sale_price"] if v["sale_price"] is not None else v["product__sale_price"],
            v["cost_price"] if v["cost_price"] is not None else v["product__cost_price"],
        )
    for s in BcStock.objects.filter(product__store=store).values(
        "product_id", "variant_id", "location__location_id", "quantity"
    ):
        kind, pk = ("variant", s["variant_id"]) if s["variant_id"] else ("product", s["product_id"])
        values[(kind, pk, s["location__location_id"])] = s["quantity"]
    return values


def idle_rows(push, before: dict) -> int:
    """Rows the push wrote whose every value the store already held."""
    index = {"price": 0, "sale_price": 1, "cost": 2}
    idle = 0
    for batch in push.batches.all():
        for row in batch.rows:
            kind, pk = (
                ("variant", row["variant_id"])
                if row["variant_id"]
                else ("product", row["product_id"])
            )
            same = True
            for key, value in row["values"].items():
                if key.startswith("stock@"):
                    held = before.get((kind, pk, int(key.removeprefix("stock@"))))
                else:
                    held = (before.get((kind, pk)) or (None,) * 3)[index[key]]
                same = same and held is not None and Decimal(str(held)) == Decimal(value)
            idle += same
    return idle


def timed_push(connection, store) -> dict:
    from audit.models import ApiCall
    from catalog.models import CatalogPush, PushState, Trigger
    from catalog.plan import plan_step

    before = store_values(store)
    first_call = ApiCall.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    push = CatalogPush.objects.create(
        connection=connection, tenant_id=connection.tenant_id, trigger=Trigger.MANUAL
    )
    tracemalloc.start()
    started = time.monotonic()
    while (wait := plan_step(push.pk)) is not None:  # a budget wait: as the task would
        time.sleep(wait)
    planned = time.monotonic()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    push.refresh_from_db()
    if push.state == PushState.WRITING:
        wait_for(lambda: CatalogPush.objects.get(pk=push.pk).state != PushState.WRITING,
                 timeout=3600, interval=0.5, what="the push's batches")  # fmt: skip
    ended = time.monotonic()
    push.refresh_from_db()
    calls = ApiCall.objects.filter(pk__gt=first_call, connection=connection, system="bigcommerce")
    writing = calls.filter(operation__in=WRITES)
    changed = len({row["sku"] for b in push.batches.all() for row in b.rows})
    return {
        "push": push, "plan_s": planned - started, "write_s": ended - planned,
        "store_calls": calls.count(), "plan_calls": calls.exclude(sync_job__isnull=False).count(),
        "write_calls": writing.count(), "refused": calls.filter(status_code__gte=400).count(),
        "changed_skus": changed, "idle_rows": idle_rows(push, before), "plan_peak_mb": peak / 2**20,
        "write_answer_ms": sum(writing.values_list("duration_ms", flat=True)) / max(writing.count(), 1),
        "load": os.getloadavg()[0],
    }  # fmt: skip


def show(label: str, f: dict) -> None:
    push = f["push"]
    batch_calls = f["store_calls"] - f["plan_calls"]
    rate = batch_calls / f["write_s"] if f["write_s"] else 0.0
    print(
        f"{label}: {push.state}, {push.items_read} ERP items read, {f['changed_skus']} SKUs "
        f"changed ({push.counts}), {len(push.problems)} problems\n"
        f"  plan {f['plan_s']:.1f} s ({f['plan_calls']} store calls, peak {f['plan_peak_mb']:.1f} MB "
        f"of Python memory); writing {f['write_s']:.1f} s in {push.batches_total} batches "
        f"({batch_calls} store calls, {f['write_calls']} of them writes, the store answering each "
        f"in {f['write_answer_ms']:.0f} ms on average)\n"
        f"  store calls: {f['store_calls']} in all, "
        f"{f['store_calls'] / max(f['changed_skus'], 1):.3f} per changed SKU; "
        f"written rows that changed nothing: {f['idle_rows']}; answers of 400 or more: {f['refused']}\n"
        f"  while writing: {rate:.2f} store calls/s = {100 * rate / CEILING:.0f} % of the store's "
        f"ceiling ({CEILING:.0f}/s); the whole push: "
        f"{f['store_calls'] / (f['plan_s'] + f['write_s']):.2f} calls/s; load average "
        f"{f['load']:.1f} on {os.cpu_count()} cores",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--share", type=float, default=0.01)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    with Stack(db_name=DB_NAME) as stack:
        try:
            stack.database_ready()
            from sandbox.myob.inventory import items_change

            stack.web_start()
            stack.worker_start()
            store, business, connection = shop(stack, args.skus)
            store_drift(store)
            print(f"{args.skus} SKUs in the store and in MYOB; the store's prices 5 % off, its "
                  "stock empty", flush=True)  # fmt: skip
            show("first push", timed_push(connection, store))
            changed = items_change(business, share=args.share, price_factor="0.95", stock_delta=-1,
                                   seed=1)  # fmt: skip
            print(f"{len(changed)} MYOB items changed (price -5 %, one fewer on hand)", flush=True)
            show(f"push after a {args.share:.0%} change", timed_push(connection, store))
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"this process's peak RSS: {rss:.0f} MB", flush=True)
        finally:
            stack.finish(keep_db=args.keep_db, keep_files=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
