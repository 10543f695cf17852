"""Writing a planned catalog push: batches of the store's sizes (10 products, 50 variants, 2,000
stock levels of one location), each run as one SyncJob of kind item_to_store, so it is claimed,
retried, audited with its calls and replayable like any job.

The batches of a push run in their order, a batch that ends asking for the next: catalog batches
CATALOG_IN_FLIGHT at a time, a stock batch alone, so one inventory request is in flight per store and never
beside catalog writes; a failed batch does not stop the others. A
batch run later (a retry, a replay) sends only what is still ours to send: a field a later push
has written since, or this batch already wrote, is dropped."""

import re
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from catalog import echo
from catalog.desired import MONEY_FIELDS, STOCK_PREFIX, key_location, same
from catalog.models import (
    ITEMS_CURSOR,
    BatchKind,
    BatchState,
    CatalogBatch,
    CatalogPush,
    PushField,
    PushState,
)
from connectors.bigcommerce.catalog import (
    INVENTORY_BATCH,
    PRODUCTS_BATCH,
    VARIANTS_BATCH,
    StoreCatalog,
)
from connectors.errors import ConnectorError, Wait
from connectors.models import ExternalLink
from connectors.ratelimit import CATALOG
from sync.dispatch import job_dispatch
from sync.jobs import MAX_ATTEMPTS, job_request
from sync.models import JobKind, JobState, Lane
from tenants.cursors import write_cursor

SOURCE_ID = re.compile(r"^push-(\d+)-(\d+)$")
# The store's names of our money fields.
STORE_FIELDS = {PushField.PRICE: "price", PushField.SALE_PRICE: "sale_price",
                PushField.COST: "cost_price"}  # fmt: skip
INVENTORY_REASON = "ml-connector catalog push {push}"
OPEN_STATES = (BatchState.PLANNED, BatchState.QUEUED)
# Catalog batches in flight at once. One at a time, each waits for the last one's round trip: a
# first push of 10,000 SKUs wrote at 84-89 % of the store's ceiling against the sandbox, which
# answers far sooner than BigCommerce does. The store's budget, not this, caps the rate.
CATALOG_IN_FLIGHT = 4
# A batch waits this long at most for the store's budget while holding a worker; a longer wait
# hands the worker back (the job runs again when there is room), so live jobs find one.
BUDGET_WAIT_IN_PLACE = 1.0


# --- building ------------------------------------------------------------------------------
def batches_build(push: CatalogPush, changes) -> list[CatalogBatch]:
    """The plan's changes as batches, in the order they run: products, variants, then stock by
    location. Each row: {"link", "sku", "product_id", "variant_id", "values": {key: value}}."""
    products, variants, stock = [], [], defaultdict(list)
    for change in changes:
        target = change.target
        row = {"link": change.link_id, "sku": change.sku, "product_id": target.product_id,
               "variant_id": target.variant_id}  # fmt: skip
        money = {k: v for k, v in change.values.items() if k in MONEY_FIELDS}
        if money:
            (variants if target.variant_id else products).append({**row, "values": money})
        for key, value in change.values.items():
            if key.startswith(STOCK_PREFIX):
                stock[key_location(key)].append({**row, "values": {key: value}})
    planned = [(BatchKind.PRODUCTS, None, products, PRODUCTS_BATCH),
               (BatchKind.VARIANTS, None, variants, VARIANTS_BATCH)]  # fmt: skip
    planned += [(BatchKind.INVENTORY, loc, stock[loc], INVENTORY_BATCH) for loc in sorted(stock)]
    batches = []
    for kind, location, rows, size in planned:
        for start in range(0, len(rows), size):
            batches.append(CatalogBatch(
                push=push, number=len(batches) + 1, kind=kind, location_id=location,
                rows=rows[start : start + size],
            ))  # fmt: skip
    return CatalogBatch.objects.bulk_create(batches, batch_size=200)


# --- the push's course ---------------------------------------------------------------------
def push_write(push: CatalogPush) -> None:
    """Start writing a planned push: the items cursor moves past what it read (the next run
    reads only later changes), and its first batch is queued."""
    with transaction.atomic():
        started = CatalogPush.objects.filter(
            pk=push.pk, state__in=[PushState.PLANNING, PushState.PREVIEW, PushState.HELD]
        ).update(state=PushState.WRITING, error="")
        if not started:
            return
        if push.until is not None:
            write_cursor(push.connection_id, ITEMS_CURSOR, push.until)
        batch_next(push.pk)


def batch_next(push_id: int) -> list[CatalogBatch]:
    """Ask for the runs of the push's next batches, in their order, as far as the store allows:
    catalog batches (products, variants) CATALOG_IN_FLIGHT at a time, a stock batch alone (one
    inventory request in flight per store, never beside catalog writes). Then the push is
    brought up to date (and done once every batch ended)."""
    queued = []
    with transaction.atomic():
        # One chooser at a time per push (two batches ending at once).
        CatalogPush.objects.select_for_update().filter(pk=push_id).first()
        in_flight = list(
            CatalogBatch.objects.filter(push_id=push_id, state=BatchState.QUEUED).values_list(
                "kind", flat=True
            )
        )
        planned = (
            CatalogBatch.objects.filter(push_id=push_id, state=BatchState.PLANNED)
            .select_related("push__connection")
            .order_by("number")
        )
        for batch in planned[:CATALOG_IN_FLIGHT]:
            if batch.kind == BatchKind.INVENTORY:
                may_run = not in_flight
            else:
                may_run = (
                    BatchKind.INVENTORY not in in_flight and len(in_flight) < CATALOG_IN_FLIGHT
                )
            if not may_run:
                break
            _batch_queue(batch)
            in_flight.append(batch.kind)
            queued.append(batch)
    push_progress(push_id)
    return queued


def _batch_queue(batch: CatalogBatch) -> None:
    job, needs_run = job_request(
        connection=batch.push.connection, kind=JobKind.ITEM_TO_STORE, source_id=batch.source_id,
        lane=Lane.BACKFILL, trigger="catalog",
    )  # fmt: skip
    CatalogBatch.objects.filter(pk=batch.pk, state=BatchState.PLANNED).update(
        state=BatchState.QUEUED, job=job
    )
    if needs_run:
        job_dispatch(job.pk, trigger="catalog")


def push_progress(push_id: int) -> None:
    """Count the push's batches; a writing push whose batches all ended is done."""
    tally = CatalogBatch.objects.filter(push_id=push_id).aggregate(
        done=Count("pk", filter=Q(state=BatchState.DONE)),
        failed=Count("pk", filter=Q(state=BatchState.FAILED)),
        open=Count("pk", filter=Q(state__in=OPEN_STATES)),
        total=Count("pk"),
    )
    pushes = CatalogPush.objects.filter(pk=push_id)
    pushes.update(batches_done=tally["done"], batches_failed=tally["failed"])
    if tally["open"] == 0:
        error = _failed_message(tally["failed"], tally["total"]) if tally["failed"] else ""
        pushes.filter(state=PushState.WRITING).update(
            state=PushState.DONE, finished_at=timezone.now(), error=error
        )
        pushes.filter(state=PushState.DONE).update(error=error)


def _failed_message(failed: int, total: int) -> str:
    return (
        f"{failed} of {total} batches were not written: the store refused them or could not be "
        "reached. Each is a failed job in the jobs list with the store's answer; replay it "
        "there once the cause is fixed. Everything else was written."
    )


# --- running one batch (the item_to_store flow's handler) ----------------------------------
def batch_run(job) -> tuple[str, str]:
    batch = _batch_of(job)
    if batch is None:
        return JobState.SKIPPED, "This catalog batch no longer exists (its push was deleted)."
    push = batch.push
    if push.state not in (PushState.WRITING, PushState.DONE):
        return JobState.SKIPPED, f"Nothing written: the push is {push.get_state_display().lower()}."
    try:
        return _batch_write(job, batch)
    except Wait:
        raise  # no room in the store's budget yet: it runs later, in its turn
    except ConnectorError as exc:
        if not exc.permanent and job.attempts < MAX_ATTEMPTS:
            raise  # tried again later, as any job
        _batch_end(batch, BatchState.FAILED)
        raise
    except Exception:
        _batch_end(batch, BatchState.FAILED)
        raise


def _batch_of(job) -> CatalogBatch | None:
    match = SOURCE_ID.match(job.source_id)
    if match is None:
        return None
    push_id, number = (int(part) for part in match.groups())
    return (
        CatalogBatch.objects.select_related("push")
        .filter(push_id=push_id, number=number, push__connection_id=job.connection_id)
        .first()
    )


def _batch_write(job, batch: CatalogBatch) -> tuple[str, str]:
    rows, dropped = _rows_still_ours(batch)
    if not rows:
        _batch_end(batch, BatchState.DONE, dropped=dropped)
        return JobState.SKIPPED, (
            "Nothing to write: a later push has written these rows since, or this batch did."
        )
    echo.marks_record(batch.push, rows)  # before the write: its webhooks may come at once
    store = StoreCatalog(job.connection, lane=CATALOG)
    store.http.max_inline_wait = BUDGET_WAIT_IN_PLACE
    failures = _send(store, batch, rows)
    _pushed_record(batch, rows, failed={f["link"] for f in failures})
    state = BatchState.FAILED if failures else BatchState.DONE
    _batch_end(batch, state, failures=failures, dropped=dropped)
    if failures:
        return JobState.FAILED, _refused_message(failures, len(rows))
    return JobState.SUCCEEDED, ""


def _rows_still_ours(batch: CatalogBatch) -> tuple[list[dict], int]:
    """The batch's rows less the fields a later push wrote (or this batch already did), and
    rows whose SKU has moved to another place in the store since the plan."""
    links = ExternalLink.objects.in_bulk([row["link"] for row in batch.rows])
    rows, dropped = [], 0
    for row in batch.rows:
        link = links.get(row["link"])
        if link is None or (link.store_product_id, link.store_variant_id) != (
            row["product_id"],
            row["variant_id"],
        ):
            dropped += len(row["values"])
            continue
        values = {}
        for key, value in row["values"].items():
            pushed = (link.pushed_values or {}).get(key) or {}
            newer = pushed.get("push", 0) > batch.push_id
            mine = pushed.get("push") == batch.push_id and same(pushed.get("value"), value)
            if newer or mine:
                dropped += 1
            else:
                values[key] = value
        if values:
            rows.append({**row, "values": values})
    return rows, dropped


def _send(store: StoreCatalog, batch: CatalogBatch, rows: list[dict]) -> list[dict]:
    """Write the rows; returns the refused ones as [{"link", "sku", "reason"}]."""
    if batch.kind == BatchKind.INVENTORY:
        items = [
            {"location_id": batch.location_id, **_identity(row),
             "quantity": int(next(iter(row["values"].values())))}
            for row in rows
        ]  # fmt: skip
        store.inventory_absolute(items, reason=INVENTORY_REASON.format(push=batch.push_id))
        return []  # the store takes all of them or refuses the request
    id_name = "variant_id" if batch.kind == BatchKind.VARIANTS else "product_id"
    payload = [
        {"id": row[id_name], **{STORE_FIELDS[k]: float(v) for k, v in row["values"].items()}}
        for row in rows
    ]
    update = store.variants_update if batch.kind == BatchKind.VARIANTS else store.products_update
    refused = update(payload)
    by_id = {row[id_name]: row for row in rows}
    failures = []
    for failure in refused:
        row = by_id.get(_refused_id(failure))
        reason = str(failure.get("message") or failure.get("title") or failure)[:300]
        if row is None:  # the store did not say which: none of the batch counts as written
            return [{"link": r["link"], "sku": r["sku"], "reason": reason} for r in rows]
        failures.append({"link": row["link"], "sku": row["sku"], "reason": reason})
    return failures


def _identity(row: dict) -> dict:
    if row["variant_id"]:
        return {"variant_id": row["variant_id"]}
    return {"product_id": row["product_id"]}


def _refused_id(failure) -> int | None:
    if not isinstance(failure, dict):
        return None
    for name in ("id", "variant_id", "product_id"):
        try:
            return int(failure[name])
        except (KeyError, TypeError, ValueError):
            continue
    return None


def _pushed_record(batch: CatalogBatch, rows: list[dict], *, failed: set) -> None:
    """What the store took from us, on each link: a later plan compares with it."""
    written = [row for row in rows if row["link"] not in failed]
    with transaction.atomic():
        links = ExternalLink.objects.select_for_update().in_bulk([r["link"] for r in written])
        changed = []
        for row in written:
            link = links.get(row["link"])
            if link is None:
                continue
            values = dict(link.pushed_values or {})
            for key, value in row["values"].items():
                if (values.get(key) or {}).get("push", 0) <= batch.push_id:
                    values[key] = {"value": value, "push": batch.push_id}
            link.pushed_values = values
            changed.append(link)
        ExternalLink.objects.bulk_update(changed, ["pushed_values"], batch_size=1000)


def _batch_end(batch: CatalogBatch, state: str, *, failures=(), dropped: int = 0) -> None:
    CatalogBatch.objects.filter(pk=batch.pk).update(
        state=state, failures=list(failures), dropped=dropped, finished_at=timezone.now()
    )
    batch_next(batch.push_id)


def _refused_message(failures: list[dict], rows: int) -> str:
    listed = "; ".join(f"{f['sku']}: {f['reason']}" for f in failures[:5])
    more = f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""
    return (
        f"The store refused {len(failures)} of {rows} rows: {listed}{more}. The others were "
        "written. Replay this job once the cause is fixed: it sends only what is still to write."
    )
