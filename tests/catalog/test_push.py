"""The catalog push end to end: the fake ERP's items, the sandbox store over real HTTP, a real
worker running the plan and the batches (as item_to_store jobs), on PostgreSQL + Redis and on
SQLite + the file broker."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest

from audit.models import ApiCall
from catalog.echo import CATALOG_SCOPES
from catalog.models import BatchKind, CatalogBatch, PushState, Trigger
from catalog.services import push_confirm, push_start, settings_update
from connectors.bigcommerce.catalog import INVENTORY_BATCH, PRODUCTS_BATCH, VARIANTS_BATCH
from sandbox.bigcommerce.catalog import catalog_edit
from sandbox.bigcommerce.models import BcDelivery, BcProduct, BcStore
from sandbox.bigcommerce.services import store_create
from sync.models import JobKind, JobState, SyncJob
from sync.replay import job_replay
from tenants.services import connection_activate
from tests.factories import ConnectionFactory
from tests.support.catalog_shop import (
    push_settled,
    seeded,
    store_hash,
    store_level,
    store_value,
)
from tests.support.fake_erp import KIND, ledger
from tests.support.worker import wait_until
from webhooks.models import EventState, InboundEvent

pytestmark = [pytest.mark.embedded, pytest.mark.worker]
MORE = Decimal("1.00")


@pytest.fixture
def shop(live_server, settings, tenant, celery_worker_process):
    """A sandbox store joined to the fake ERP, the catalog push on, activated."""
    settings.PUBLIC_BASE_URL = live_server.url
    store = store_create(store_hash(), quota=100_000)
    connection = ConnectionFactory(
        tenant=tenant, store_hash=store.store_hash, erp_kind=KIND,
        bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, bc_client_secret=store.client_secret,
    )  # fmt: skip
    erp = ledger(connection.pk)
    erp.clear()
    settings_update(connection, enabled=True)
    connection = connection_activate(connection=connection)
    yield store, connection, erp
    erp.clear()


def pushed(connection, **options):
    options = {"trigger": Trigger.MANUAL, "dry_run": False, **options}
    return push_settled(push_start(connection, **options))


def store_calls(after: int) -> list[ApiCall]:
    return list(ApiCall.objects.filter(pk__gt=after, system="bigcommerce").order_by("pk"))


def last_call() -> int:
    return ApiCall.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_a_first_push_writes_every_difference_and_a_one_percent_change_only_its_skus(shop):
    store, connection, erp = shop
    skus = seeded(
        store, erp, 200, price=lambda s: s.price + MORE, stock=lambda s: {"": s.stock + 3}
    )
    push = pushed(connection)
    assert (push.state, push.error, push.batches_failed) == (PushState.DONE, "", 0)
    assert push.since is None and push.counts["price"] == len(skus)
    for sku in skus:
        assert store_value(store, sku.sku, "price") == sku.price + MORE, sku
    tracked = [s for s in skus if s.tracking == ("variant" if s.option else "product")]
    assert tracked and all(store_level(store, s.sku) == s.stock + 3 for s in tracked)
    # Never a batch over the store's limits, so never its 413.
    limits = {BatchKind.PRODUCTS: PRODUCTS_BATCH, BatchKind.VARIANTS: VARIANTS_BATCH,
              BatchKind.INVENTORY: INVENTORY_BATCH}  # fmt: skip
    assert all(len(b.rows) <= limits[b.kind] for b in push.batches.all())
    assert {b.kind for b in push.batches.all()} == set(limits)
    assert not ApiCall.objects.filter(system="bigcommerce", status_code=413).exists()

    changed = erp.items_share(0.01)
    erp.items_change(changed, price=lambda price: price + MORE)
    before = last_call()
    again = pushed(connection)
    assert again.state == PushState.DONE and again.since == push.until
    assert again.items_read == len(changed) and again.counts == {"price": len(changed)}
    written = {row["sku"] for batch in again.batches.all() for row in batch.rows}
    assert written == set(changed)
    calls = [call.operation for call in store_calls(before)]
    # the locations, the changed products by id, their stock (products, options), one write per kind
    assert len(calls) <= 6, calls
    assert calls.count("catalog.products") == 1, calls


def test_stock_goes_to_each_mapped_location_as_the_store_tracks_it(shop):
    store, connection, erp = shop
    settings_update(connection, location_map={"MAIN": 1, "NORTH": 2}, stock_buffer=2)
    skus = seeded(store, erp, 90, stock=lambda s: {"MAIN": Decimal(s.stock) + 5, "NORTH": Decimal(4),
                                                   "TRANSIT": Decimal(50)})  # fmt: skip
    push = pushed(connection)
    assert push.state == PushState.DONE, push.error
    by_variant = next(s for s in skus if s.option and s.tracking == "variant")
    by_product = next(s for s in skus if not s.option and s.tracking == "product")
    for sku in (by_variant, by_product):
        assert (store_level(store, sku.sku, 1), store_level(store, sku.sku, 2)) == (
            sku.stock + 3,
            2,
        )
    problems = {p["sku"]: p for p in push.problems}
    option_of_product = next(s for s in skus if s.option and s.tracking == "product")
    untracked = next(s for s in skus if s.tracking == "none")
    assert problems[option_of_product.sku]["problem"] == "tracked_by_product"
    assert problems[untracked.sku]["problem"] == "untracked"
    assert "does not track stock" in problems[untracked.sku]["reason"]
    assert store_level(store, option_of_product.sku, 2) is None  # nothing guessed


def test_skus_the_store_lacks_or_two_records_carry_are_listed_never_guessed(shop):
    store, connection, erp = shop
    settings_update(connection, push_stock=False)
    skus = seeded(store, erp, 30)
    simple = [s for s in skus if not s.option]
    erp.items_set([
        {"sku": "NOT-IN-STORE", "price": Decimal(5)},
        {"id": "second-item", "sku": simple[0].sku, "price": Decimal(1)},  # two ERP items, one SKU
    ])  # fmt: skip
    twin = BcProduct.objects.get(store=store, sku=simple[1].sku)
    twin.pk = None  # the store's own duplicate (BigCommerce refuses one through its API)
    twin.save()
    push = pushed(connection)
    assert push.state == PushState.DONE, push.error
    problems = {p["sku"]: (p["problem"], p["reason"]) for p in push.problems}
    assert problems["NOT-IN-STORE"] == (
        "missing",
        "The store has no product or option with SKU NOT-IN-STORE.",
    )
    assert (
        problems[simple[0].sku][0] == "duplicate_erp"
        and "second-item" in problems[simple[0].sku][1]
    )
    assert problems[simple[1].sku][0] == "store" and "product" in problems[simple[1].sku][1]
    written = {row["sku"] for batch in push.batches.all() for row in batch.rows}
    assert not written & {"NOT-IN-STORE", simple[0].sku, simple[1].sku}


def test_the_guard_holds_a_forty_percent_price_drop_until_a_person_confirms(shop, owner):
    store, connection, erp = shop
    settings_update(connection, push_stock=False)
    skus = seeded(store, erp, 40)
    first = pushed(connection)  # the ERP's prices are the store's: nothing to write
    assert (first.state, first.counts, first.batches_total) == (PushState.DONE, {}, 0)
    dropped = [s.sku for s in skus[: len(skus) // 2]]
    erp.items_change(
        dropped, price=lambda price: (price * Decimal("0.6")).quantize(Decimal("0.01"))
    )
    held = pushed(connection)
    assert held.state == PushState.HELD and held.batches_total > 0
    assert {m["sku"] for m in held.guard_moves} == set(dropped)
    assert {m["change"] for m in held.guard_moves} <= {"39.9", "40.0", "40.1"}
    assert not held.batches.exclude(state="planned").exists()  # nothing written
    assert store_value(store, dropped[0], "price") == skus[0].price
    confirmed = push_settled(push_confirm(held, owner))
    assert confirmed.state == PushState.DONE and confirmed.decided_by == owner
    for sku in skus[: len(skus) // 2]:
        assert store_value(store, sku.sku, "price") == (sku.price * Decimal("0.6")).quantize(
            Decimal("0.01")
        )


def test_our_writes_echo_back_asking_for_nothing_and_a_store_edit_stays_until_the_erp_changes(
    shop,
):
    store, connection, erp = shop
    # The options' prices move; the simple products' are as the store has them.
    skus = seeded(store, erp, 24, price=lambda s: s.price + MORE if s.option else s.price)
    push = pushed(connection)
    assert push.state == PushState.DONE and push.counts.get("price"), push.error
    events = InboundEvent.objects.filter(connection=connection, scope__in=CATALOG_SCOPES)
    wait_until(lambda: events.exists() and deliveries_done(store) and events_done(connection),
               timeout=60, message="the store's webhooks about our writes were not handled")  # fmt: skip
    assert set(events.values_list("note", flat=True)) == {
        f"Our own catalog write (push {push.pk}) coming back: nothing to do."
    }
    assert set(SyncJob.objects.filter(connection=connection).values_list("kind", flat=True)) == {
        JobKind.ITEM_TO_STORE
    }  # no job but the push's own batches
    jobs = SyncJob.objects.filter(connection=connection).count()

    edited = next(s for s in skus if not s.option and s.tracking == "product")
    handled = events.count()
    catalog_edit(store, edited.sku, price=77)  # a person, in the store's control panel
    wait_until(lambda: events.count() > handled and deliveries_done(store) and events_done(connection),
               timeout=60, message="the store's webhook about the edit was not handled")  # fmt: skip
    assert events.order_by("-pk").first().note.startswith("Changed in the store")
    assert SyncJob.objects.filter(connection=connection).count() == jobs

    erp.items_change([edited.sku], cost=lambda cost: cost + MORE)  # the ERP changes its cost
    assert pushed(connection).counts == {"cost": 1}
    assert store_value(store, edited.sku, "price") == Decimal(77)  # the person's price stays
    assert store_value(store, edited.sku, "cost_price") == edited.cost + MORE
    erp.items_change([edited.sku], price=lambda price: price + MORE)  # the ERP's price changes
    assert pushed(connection).counts == {"price": 1}
    assert store_value(store, edited.sku, "price") == edited.price + MORE


def deliveries_done(store) -> bool:
    return not BcDelivery.objects.filter(hook__store=store).exclude(state="delivered").exists()


def events_done(connection) -> bool:
    waiting = (EventState.RECEIVED, EventState.DISPATCHED)
    return not InboundEvent.objects.filter(connection=connection, state__in=waiting).exists()


def test_a_preview_confirmed_writes_its_rows_and_a_failed_batch_replayed_writes_it(shop, owner):
    store, connection, erp = shop
    skus = seeded(store, erp, 40, price=lambda s: s.price if s.option else s.price + MORE,
                  stock=lambda s: {"": s.stock + 1})  # fmt: skip
    preview = pushed(connection, dry_run=True)
    assert preview.state == PushState.PREVIEW and not store_calls_writing(preview)
    assert preview.sample and preview.counts["price"] and preview.counts["stock"]
    planned = {b.number: b.rows for b in preview.batches.all()}
    # Before it is confirmed, a product's stock moves from its options to the product as a whole:
    # the store refuses the stock batch that names its options.
    victim = next(s for s in skus if s.option and s.tracking == "variant")
    product = BcProduct.objects.filter(store=store, variants__sku=victim.sku)
    product.update(inventory_tracking="product")
    done = push_settled(push_confirm(preview, owner))
    assert {b.number: b.rows for b in done.batches.all()} == planned  # exactly the preview's rows
    assert (done.state, done.batches_failed) == (PushState.DONE, 1)
    assert "1 of" in done.error and "replay" in done.error
    failed = done.batches.get(state="failed")
    assert failed.kind == BatchKind.INVENTORY and failed.job.state == JobState.FAILED
    assert "tracked by product" in failed.job.last_error, failed.job.last_error
    simple = next(s for s in skus if not s.option)
    assert store_value(store, simple.sku, "price") == simple.price + MORE  # the others were written

    # Fixed in the store; meanwhile the ERP changes the victim's stock again and a later push
    # writes it: the replay writes the rest of its batch, not the victim's older level.
    product.update(inventory_tracking="variant")
    erp.items_change([victim.sku], stock={"": Decimal(victim.stock + 7)})
    later = pushed(connection)
    assert later.counts == {"stock": 1} and store_level(store, victim.sku) == victim.stock + 7
    assert job_replay(job=failed.job)
    wait_until(lambda: CatalogBatch.objects.get(pk=failed.pk).state == "done", timeout=60,
               message="the replayed batch was not written")  # fmt: skip
    assert store_level(store, victim.sku) == victim.stock + 7
    others = [s for s in skus if s.tracking == ("variant" if s.option else "product")]
    assert all(store_level(store, s.sku) == s.stock + 1 for s in others if s != victim)
    assert CatalogBatch.objects.get(pk=failed.pk).dropped == 1
    done.refresh_from_db()
    assert (done.batches_failed, done.error) == (0, "")


def store_calls_writing(push) -> list:
    return [b for b in push.batches.all() if b.state != "planned"]


def test_the_stores_rate_headers_are_honoured_under_a_429_storm(shop):
    store, connection, erp = shop
    settings_update(connection, push_stock=False)
    BcStore.objects.filter(pk=store.pk).update(window_ms=3000)
    seeded(store, erp, 60, price=lambda s: s.price + MORE)
    BcStore.objects.filter(pk=store.pk).update(fault_429_storm=True)
    start = last_call()
    push = push_start(connection, trigger=Trigger.MANUAL, dry_run=False)
    refused = ApiCall.objects.filter(pk__gt=start, system="bigcommerce", status_code=429)
    wait_until(lambda: refused.count() >= 3, timeout=30, message="the storm was not met")
    BcStore.objects.filter(pk=store.pk).update(fault_429_storm=False)
    push = push_settled(push, timeout=120)
    assert (push.state, push.batches_failed) == (PushState.DONE, 0), push.error
    calls = store_calls(start)
    for refusal, following in itertools.pairwise(calls):
        if refusal.status_code != 429:
            continue
        told = max(
            int(refusal.response_headers["X-Rate-Limit-Time-Reset-Ms"]) / 1000,
            float(refusal.response_headers["X-Retry-After"]),
        )
        sent = following.created_at - timedelta(milliseconds=following.duration_ms)
        assert sent >= refusal.created_at + timedelta(seconds=told - 0.05), (refusal, following)
