"""Planning a catalog push: which ERP items changed, where each SKU lives in the store, and which
of their fields the store should take.

1. The ERP's items changed since the last written run (all of them on the first), newest record
   per SKU; two ERP items with one SKU are a problem, never a guess.
2. Each SKU's store target from its link, refreshed from the store on a miss: the whole catalog
   on a first run, after many misses or once a day, else the products modified since the last
   read. The store's values now are read for the changed targets only (by id, 250 at a time).
3. A field is written where the ERP's value differs from the store's now and from the one the
   store last took from us: a person's edit in the store stays until the ERP changes that field.
4. The guard: too many large price moves and the run stops (held) for a person to confirm.
"""

import logging
import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from catalog import desired, guard, stock
from catalog.batches import batches_build, push_write
from catalog.models import (
    ITEMS_CURSOR,
    CatalogBatch,
    CatalogPush,
    CatalogSettings,
    PushField,
    PushState,
)
from catalog.targets import Listing, Target, link_target, links_save
from connectors.bigcommerce.catalog import StoreCatalog
from connectors.canonical import ItemChange
from connectors.errors import ConnectorError, PermanentError, Wait
from connectors.models import ExternalLink, LinkEntity
from connectors.ratelimit import BACKFILL, CATALOG
from connectors.registry import connector_class_for, erp_kind
from tenants.cursors import read_cursor

logger = logging.getLogger(__name__)

FULL_LISTING_AFTER = timedelta(days=1)
# More misses than this (or a twentieth of the linked SKUs) and the whole catalog is read again.
MISSES_FOR_FULL_LISTING = 100
MODIFIED_SLACK = timedelta(minutes=2)  # clocks apart, a product saved while we read
SAMPLE_ROWS = 25
PLAN_ATTEMPTS = 6


@dataclass
class Change:
    """One store target's fields to write."""

    link_id: int
    sku: str
    target: Target
    values: dict = field(default_factory=dict)  # {key: value} ("price", "stock@1", …)


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    price_moves: list[dict] = field(default_factory=list)  # [{"sku", "before", "after"}]

    def problem(self, sku: str, code: str, reason: str) -> None:
        self.problems.append({"sku": sku, "problem": code, "reason": reason})

    def change(self, link, sku, target, key, before, after) -> None:
        if not self.changes or self.changes[-1].link_id != link.pk:
            self.changes.append(Change(link.pk, sku, target))
        self.changes[-1].values[key] = after
        name = desired.key_field(key)
        self.counts[name] = self.counts.get(name, 0) + 1
        if len(self.sample) < SAMPLE_ROWS:
            self.sample.append({"sku": sku, "field": key, "before": before, "after": after})
        if key == PushField.PRICE:
            self.price_moves.append({"sku": sku, "before": before, "after": after})


# --- the step the task runs ----------------------------------------------------------------
def plan_step(push_id: int) -> float | None:
    """Plan the push. Returns the seconds to wait before trying again (a passing fault), or None
    when the plan is done or stopped for good (the push says why)."""
    push = CatalogPush.objects.select_related("connection").get(pk=push_id)
    if push.state != PushState.PLANNING:
        return None
    try:
        plan_push(push)
        return None
    except Wait as exc:  # our own budget: not a failed try
        return (exc.retry_after or 1.0) + random.uniform(0.1, 1.0)  # noqa: S311 - jitter
    except ConnectorError as exc:
        tries = push.plan_tries + 1
        if not exc.permanent and tries < PLAN_ATTEMPTS:
            wait = exc.retry_after or 15 * tries  # a rate limit's own word, else a step
            CatalogPush.objects.filter(pk=push.pk).update(
                plan_tries=tries, error=f"Waiting: {exc.message} Trying again in {wait:.0f} s."
            )
            return wait
        _fail(push, f"The push stopped before writing anything: {exc.message}")
    except Exception as exc:
        logger.exception("catalog push plan crashed", extra={"push": push.pk})
        _fail(push, f"The push stopped before writing anything (internal error: {exc}).")
    return None


def _fail(push: CatalogPush, message: str) -> None:
    CatalogPush.objects.filter(pk=push.pk, state=PushState.PLANNING).update(
        state=PushState.FAILED, error=message, finished_at=timezone.now()
    )


# --- the plan ------------------------------------------------------------------------------
def plan_push(push: CatalogPush) -> None:
    connection = push.connection
    settings, _ = CatalogSettings.objects.get_or_create(connection=connection)
    since = read_cursor(connection, ITEMS_CURSOR)
    erp = _erp(connection)
    try:
        _plan_with(push, erp, settings, since)
    finally:
        erp.close()


def _plan_with(push: CatalogPush, erp, settings, since) -> None:
    connection = push.connection
    records, until = _erp_changes(erp, since)
    plan = Plan()
    store = StoreCatalog(connection, lane=CATALOG)
    resolved = _links_resolved(connection, settings, store, erp, records, plan)
    levels, default, known = _stock_now(store, settings, resolved, plan)
    touched = _compare(push, settings, resolved, levels, default, known, plan)
    held = guard.moves_held(plan.price_moves, settings, _catalog_prices(connection))
    decided = push.decided_at is not None
    state = PushState.WRITING
    if push.dry_run and not decided:
        state = PushState.PREVIEW
    elif held and not decided:
        state = PushState.HELD
    with transaction.atomic():
        ExternalLink.objects.bulk_update(touched, ["pushed_values", "erp_id"], batch_size=1000)
        CatalogBatch.objects.filter(push=push).delete()  # a plan made again replaces its batches
        batches = batches_build(push, plan.changes)
        CatalogPush.objects.filter(pk=push.pk).update(
            state=PushState.PLANNING if state == PushState.WRITING else state,
            since=since, until=until or since, planned_at=timezone.now(),
            items_read=sum(len(per_item) for per_item in records.values()), counts=plan.counts,
            sample=plan.sample, problems=plan.problems, guard_moves=held,
            batches_total=len(batches), batches_done=0, batches_failed=0, error="",
        )  # fmt: skip
        if state == PushState.WRITING:
            push.refresh_from_db()
            push_write(push)


def _erp(connection):
    connector_class = connector_class_for(connection.erp_kind)
    if connector_class is None:
        raise PermanentError(erp_kind(connection.erp_kind).unavailable_message)
    return connector_class(connection, lane=BACKFILL)


def _erp_changes(erp, since):
    """{sku: {erp id: the item's newest record}} (two items under one SKU: a duplicate), and the
    newest modification time read (the next run's since)."""
    records, until = {}, None
    for page in erp.changed_items(since):
        for record in page:
            modified_at = record.modified_at
            if timezone.is_naive(modified_at):  # an ERP's clock without a zone (MYOB)
                modified_at = timezone.make_aware(modified_at)
            until = modified_at if until is None else max(until, modified_at)
            data = record.data
            if not isinstance(data, ItemChange) or not str(data.sku or "").strip():
                continue  # an item without a SKU has no place in the store
            per_item = records.setdefault(data.sku.strip(), {})
            kept = per_item.get(record.erp_id)
            if kept is None or record.modified_at >= kept.modified_at:
                per_item[record.erp_id] = record
    return records, until


def _links_of(connection, skus) -> dict:
    skus, found = list(skus), {}
    for start in range(0, len(skus), 1000):
        chunk = skus[start : start + 1000]
        links = ExternalLink.objects.filter(
            connection=connection, entity=LinkEntity.ITEM, source_id__in=chunk
        )
        found.update({link.source_id: link for link in links})
    return found


def _one_item_per_sku(erp, records: dict, links: dict, plan: Plan) -> dict:
    """{sku: record} of the SKUs one ERP item carries. Another item already linked to the SKU
    that still carries it makes a duplicate; one that no longer does hands the SKU over."""
    single = {}
    for sku, per_item in records.items():
        if len(per_item) > 1:
            plan.problem(sku, "duplicate_erp", _erp_duplicate(sku, sorted(per_item), erp.label))
            continue
        (record,) = per_item.values()
        link = links.get(sku)
        if link is not None and link.erp_id and link.erp_id != record.erp_id:
            other = erp.item_record(link.erp_id)
            if other is not None and str(getattr(other.data, "sku", "")).strip() == sku:
                ids = sorted([link.erp_id, record.erp_id])
                plan.problem(sku, "duplicate_erp", _erp_duplicate(sku, ids, erp.label))
                continue
        single[sku] = record
    return single


def _erp_duplicate(sku: str, ids: list[str], label: str) -> str:
    return (
        f"{label} has SKU {sku} on more than one item ({', '.join(ids[:3])}): nothing of it is "
        f"pushed until one item carries it."
    )


def _read_store(connection, settings, store, records: dict, links: dict) -> tuple[Listing, bool]:
    """The store's catalog as far as this run needs it, saved onto the links: the linked
    targets' products by id, then the products modified since the last read when SKUs are
    missing, or the whole catalog (first run, too many misses, once a day)."""
    now = timezone.now()
    listed_at = settings.catalog_listed_at
    full = listed_at is None or now - listed_at > FULL_LISTING_AFTER
    listing = Listing()
    if not full:
        targets = [t for sku in records if (t := link_target(links.get(sku))) is not None]
        product_ids = sorted({t.product_id for t in targets})
        if product_ids:  # the store client asks for them a hundred ids at a time
            for page in store.products(ids=product_ids, include_variants=True):
                listing.add_page(page)
        misses = [
            sku for sku in records
            if sku not in listing.targets and not (links.get(sku) and links[sku].store_problem)
        ]  # fmt: skip
        linked = _catalog_prices(connection)
        if len(misses) > max(MISSES_FOR_FULL_LISTING, linked // 20):
            full = True
        elif misses:
            modified_since = (settings.store_read_at or listed_at) - MODIFIED_SLACK
            for page in store.products(modified_since=modified_since, include_variants=True):
                listing.add_page(page)
            settings.store_read_at = now
    if full:
        listing = Listing()
        for page in store.products(include_variants=True):
            listing.add_page(page)
        settings.catalog_listed_at = settings.store_read_at = now
    links_save(connection, listing, full=full)
    settings.save(update_fields=["catalog_listed_at", "store_read_at"])
    return listing, full


def _links_resolved(connection, settings, store, erp, records, plan: Plan) -> dict:
    """{sku: (link, target with the store's values now)} of the SKUs the push can write."""
    links = _links_of(connection, records)
    single = _one_item_per_sku(erp, records, links, plan)
    listing, _ = _read_store(connection, settings, store, single, links)
    links = _links_of(connection, single)
    resolved, gone = {}, []
    for sku, record in single.items():
        link = links.get(sku)
        if link is not None and link.store_problem:
            plan.problem(sku, "store", link.store_problem)
            continue
        target = listing.one(sku)
        if link is None or target is None:
            plan.problem(sku, "missing", f"The store has no product or option with SKU {sku}.")
            if link is not None and link.store_product_id is not None:
                gone.append(link.pk)  # its product no longer carries it
            continue
        if link.erp_id != record.erp_id:
            link.erp_id = record.erp_id
            link.erp_changed = True
        resolved[sku] = (link, target, record)
    ExternalLink.objects.filter(pk__in=gone).update(
        store_product_id=None, store_variant_id=None, store_tracking=""
    )
    return resolved


def _stock_now(store, settings, resolved: dict, plan: Plan):
    """The store's levels now at the locations this run writes ({(target key, location id):
    units}), the default location and the store's locations; ({}, None, set()) when stock is
    not pushed."""
    if PushField.STOCK not in settings.fields():
        return {}, None, set()
    locations = store.locations()
    default, known = stock.default_location(locations), stock.location_ids(locations)
    for warehouse, location in sorted((settings.location_map or {}).items()):
        if int(location) not in known:
            plan.problem("", "location", (
                f"Warehouse {warehouse} is mapped to store location {location}, which the store "
                "does not have: its stock is not pushed. Correct the warehouse map."
            ))  # fmt: skip
    wanted = {
        target.key: target
        for link, target, record in resolved.values()
        if record.data.stock and stock.stock_problem(record.data.sku, target) is None
    }
    where = sorted({int(loc) for loc in (settings.location_map or {}).values()} & known)
    if not settings.location_map and default is not None:
        where = [default]
    levels = stock.levels(store, list(wanted.values()), where) if wanted and where else {}
    return levels, default, known


def _compare(push, settings, resolved: dict, levels, default, known, plan: Plan) -> list:
    """Fill the plan with the fields that differ; returns the links whose record changed (the
    ERP item they are linked to, the ERP values the store already holds)."""
    fields = settings.fields()
    touched = []
    for sku, (link, target, record) in resolved.items():
        item = record.data
        try:
            values = desired.money_values(item, fields)
            if PushField.STOCK in fields and item.stock:
                values.update(_stock_values(sku, item, target, settings, default, known, plan))
        except (ValueError, ArithmeticError) as exc:
            plan.problem(sku, "unreadable", (
                f"The ERP's values for SKU {sku} cannot be pushed ({exc}); nothing of it is."
            ))  # fmt: skip
            continue
        baseline = False
        for key, want in values.items():
            now = (
                levels.get((target.key, desired.key_location(key)))
                if key.startswith(desired.STOCK_PREFIX)
                else target.values.get(key)
            )
            pushed = (link.pushed_values or {}).get(key)
            if desired.same(want, now):
                if not (pushed and desired.same(pushed.get("value"), want)):
                    link.pushed_values = {
                        **link.pushed_values,
                        key: {"value": want, "push": push.pk},
                    }
                    baseline = True
                continue
            if pushed and desired.same(pushed.get("value"), want):
                continue  # changed in the store since; the ERP has not changed: the edit stays
            plan.change(link, sku, target, key, None if now is None else str(now), want)
        if baseline or getattr(link, "erp_changed", False):
            touched.append(link)
    return touched


def _stock_values(sku, item, target, settings, default, known, plan: Plan) -> dict:
    problem = stock.stock_problem(sku, target)
    if problem is not None:
        plan.problem(sku, *problem)
        return {}
    if not settings.location_map and default is None:
        plan.problem(sku, "location", "The store has no default location to put stock in.")
        return {}
    units = desired.stock_by_location(
        item.stock, settings.location_map or {}, default, settings.stock_buffer
    )
    return {desired.stock_key(loc): str(n) for loc, n in units.items() if loc in known}


def _catalog_prices(connection) -> int:
    """The catalog's priced SKUs, as the links know them: every SKU with one place in the store."""
    return ExternalLink.objects.filter(
        connection=connection, entity=LinkEntity.ITEM, store_product_id__isnull=False
    ).count()
