"""Exactly once under faults, throughput on one store, and fairness between tenants.

The production stack on loopback (benchmarks/harness.py): PostgreSQL (its own database), a
redis-server of its own (rate budgets, cache, Celery broker), gunicorn serving the app and the
sandboxes, the Celery events and sync workers and beat as in Procfile.dev (beat schedule from
sync_beat_schedule).
Tenants each have their own sandbox BigCommerce store, connected to their own MYOB company file on
the ONE sandbox MYOB API key (8 calls/s shared, as in production); one more tenant on Exact Online
in the `faults` scenario. Orders are placed in the sandbox stores, whose webhooks reach the app
over HTTP; nothing of ours is called directly.

Scenarios (`--scenario`):
- faults (default): N orders across the tenants (one big, the rest small) with 20 % redeliveries
  (the delivery re-sent, same webhook-id and bytes, 0-4 s after the order), new shoppers placing
  two orders at once, 10 % MYOB 5xx, a MYOB rate-limit storm, MYOB POST timeouts (when the sandbox
  has the switch), a worker kill -9 mid-job (a new worker started at once), Redis stopped for 10 s
  and restarted empty, and the broker restarted (Redis restarted with its data).
- burst: N orders (default 200) on ONE Standard-plan store (150 requests / 30 s) into MYOB.
- fairness: one tenant bursts N orders (default 150), then one order from each of nine others.

Figures come from the database afterwards: the sandboxes' own records (documents, customer cards,
every call that reached MYOB or Exact), audit ApiCall rows (store calls), SyncJob, InboundEvent.
PASS only with 0 lost and 0 duplicate documents (exit 1 otherwise).

Run:  .venv/bin/python benchmarks/faults.py [--scenario faults|burst|fairness] [--orders N]
      [--rate 1.0] [--settle-timeout 300] [--seed 13] [--keep-db] [--keep-logs]
"""

import argparse
import heapq
import os
import random
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import Stack, percentile, settled_when, wait_for  # noqa: E402

# One per run: several checkouts may run the benchmark at once on the one PostgreSQL.
DB_NAME = f"mlc_bench_faults_{os.getpid()}"
STANDARD_QUOTA, STANDARD_WINDOW_MS = 150, 30_000  # BigCommerce Standard/Plus: 150 per 30 s
RAISED_QUOTA = 100_000  # the store is not the bottleneck (fairness: the shared MYOB key is)
MYOB_PER_SECOND = 8
MYOB_SCOPES = "sme-company-file sme-contacts-customer sme-sales sme-inventory sme-general-ledger"
MYOB_INVOICES = ("Sale/Invoice/Item", "Sale/Invoice/Service")
KNOWN_MYOB_FAULTS = {
    "fault_error_rate",
    "fault_latency_ms",
    "fault_conflicts",
    "fault_rate_limited",
}
REDELIVERY_SHARE = 0.20
ERROR_RATE = 0.10
STORM_SECONDS = 5  # every MYOB call answers 403 RateLimitError for this long
STORM_ARMED = 10_000  # the sandbox's counted switch, armed for the storm and cleared after it
# Invoice POSTs that MYOB commits and then answers 500 or not at all (past the client's read
# timeout), when the sandbox has those switches: (tenant label, fault field, how many).
UNCONFIRMED_CREATES = (
    ("big", "fault_create_then_hang", 1),
    ("big", "fault_create_then_error", 2),
    ("small1", "fault_create_then_error", 1),
)
REDIS_OUTAGE_SECONDS = 10


@dataclass
class Shop:
    """A tenant with its sandbox store, its ERP (a MYOB company file or an Exact division)."""

    label: str
    weight: float
    erp: str
    connection: object = None
    store: object = None
    ledger: object = None  # MyobBusiness or ExactDivision

    @property
    def small(self) -> bool:
        return not self.label.startswith("big")


@dataclass
class Placed:
    shop: Shop
    order_id: int
    at: float  # time.time() when the order was committed in the store


@dataclass
class Run:
    shops: list[Shop]
    placed: list[Placed] = field(default_factory=list)
    events: list[str] = field(default_factory=list)  # what was done when
    started: float = 0.0
    unqueued_webhooks: int = 0  # deliveries the sandbox store could not queue (broker down)
    redeliveries: Counter = field(default_factory=Counter)  # answer status -> count
    killed_jobs: dict = field(default_factory=dict)  # job id -> kill time
    storm_calls: int = 0

    def note(self, text: str) -> None:
        line = f"  t={time.time() - self.started:6.1f} s  {text}"
        self.events.append(line)
        print(line, flush=True)


# --- set-up --------------------------------------------------------------------------------
def shops_create(stack: Stack, specs: list[tuple[str, float, str, int]]) -> list[Shop]:
    """specs: (label, weight, erp, store quota). Each gets its tenant, store and ledger, then is
    activated (hooks registered with its store over HTTP) like a person would."""
    from django.conf import settings

    from connectors.myob.setup import connection_connect as myob_connect
    from connectors.myob.setup import redirect_uri as myob_redirect
    from sandbox.bigcommerce.services import store_create
    from sandbox.myob.oauth import issue_token as myob_token
    from sandbox.myob.oauth import token_body as myob_body
    from sandbox.myob.services import api_key_create, business_create
    from tenants.models import Connection
    from tenants.services import connection_activate, tenant_create

    key = api_key_create(
        settings.MYOB_CLIENT_ID, settings.MYOB_CLIENT_SECRET, redirect_uri=myob_redirect(),
        per_second_limit=MYOB_PER_SECOND,
    )  # fmt: skip
    shops = []
    for number, (label, weight, erp, quota) in enumerate(specs, start=1):
        shop = Shop(label=label, weight=weight, erp=erp)
        shop.store = store_create(f"bench{number}", name=f"Bench store {number}", quota=quota,
                                  window_ms=STANDARD_WINDOW_MS)  # fmt: skip
        tenant = tenant_create(name=f"Bench {label} {number}")
        connection = Connection.objects.create(
            tenant=tenant, name=f"Bench {label} → {erp}", store_hash=shop.store.store_hash,
            bc_api_url=f"{stack.base_url}/sandbox/bigcommerce", bc_client_id=shop.store.client_id,
            bc_access_token=shop.store.access_token, bc_client_secret=shop.store.client_secret,
            erp_kind=erp, erp_settings={"country": "nl"} if erp == "exact_online" else {},
        )  # fmt: skip
        if erp == "myob":
            shop.ledger = business_create(f"Bench {number} Pty Ltd", requires_cftoken=False)
            tokens = myob_body(myob_token(key, str(shop.ledger.uid), MYOB_SCOPES))
            myob_connect(connection, tokens=tokens, business_id=str(shop.ledger.uid),
                         business_name=shop.ledger.name)  # fmt: skip
        else:
            shop.ledger = _exact_connect(connection, number)
        shop.connection = connection_activate(connection=connection)
        shops.append(shop)
    return shops


def _exact_connect(connection, number: int):
    from django.conf import settings

    from connectors.exact_online.setup import connection_connect, redirect_uri
    from sandbox.exact_online.oauth import issue_token, token_body
    from sandbox.exact_online.services import app_create, division_create

    app = app_create(settings.EXACT_CLIENT_ID, settings.EXACT_CLIENT_SECRET,
                     redirect_uri=redirect_uri())  # fmt: skip
    division = division_create(900_000 + number, f"Bench {number} B.V.")
    connection_connect(connection, tokens=token_body(issue_token(app, division)),
                       division=division.code)  # fmt: skip
    return division


def quiet(timeout: float, what: str) -> None:
    """Wait until no customer pull and no sync job is still under way (the activation's pull)."""
    from sync.models import BulkRun, JobState, SyncJob

    def done():
        busy_runs = BulkRun.objects.filter(state__in=[BulkRun.State.QUEUED, BulkRun.State.RUNNING])
        busy_jobs = SyncJob.objects.filter(state__in=[JobState.PENDING, JobState.RUNNING])
        return not busy_runs.exists() and not busy_jobs.exists()

    wait_for(done, timeout=timeout, interval=0.5, what=what)


# --- orders and redeliveries ---------------------------------------------------------------
class Placer:
    """Places orders in the sandbox stores (each fires its webhooks through the worker, as the
    store would) and re-sends a share of the order deliveries itself: same webhook-id, same bytes,
    freshly signed, as BigCommerce's redeliveries are."""

    def __init__(self, run: Run, rng: random.Random, redelivery_share: float):
        self.run, self.rng, self.share = run, rng, redelivery_share
        self.due: list[tuple[float, int]] = []  # (time.time() to send, BcDelivery id)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.sender = threading.Thread(target=self._send_due, daemon=True)
        self.sender.start()

    def place(self, shop: Shop, customer=None) -> Placed | None:
        from sandbox.bigcommerce.models import BcDelivery, BcOrder
        from sandbox.bigcommerce.services import place_test_order

        deliveries_before = BcDelivery.objects.order_by("-pk").values_list("pk", flat=True).first()
        orders_before = BcOrder.objects.order_by("-pk").values_list("pk", flat=True).first()
        try:
            order = place_test_order(shop.store, customer=customer)
        except Exception as exc:  # committed; only queueing its webhooks failed (broker down)
            self.run.unqueued_webhooks += 1
            order = BcOrder.objects.filter(store=shop.store, pk__gt=orders_before or 0).last()
            if order is None:
                print(f"  an order could not be placed: {type(exc).__name__}", flush=True)
                return None
        placed = Placed(shop=shop, order_id=order.pk, at=time.time())
        self.run.placed.append(placed)
        if self.rng.random() < self.share:
            created = BcDelivery.objects.filter(
                hook__store=shop.store, pk__gt=deliveries_before or 0,
                body__contains='"store/order/created"',
            ).first()  # fmt: skip
            if created is not None:
                with self.lock:
                    heapq.heappush(self.due, (time.time() + self.rng.uniform(0, 4), created.pk))
        return placed

    def new_shopper(self, shop: Shop):
        from sandbox.bigcommerce.services import customer_create

        n = shop.store.customers.count() + 1
        address = {
            "first_name": "New", "last_name": f"Shopper {n}", "company": "", "address1": f"{n} New St",
            "address2": "", "city": "Perth", "state_or_province": "WA", "postal_code": "6000",
            "country": "Australia", "country_code": "AU", "phone": "0400 000 000",
        }  # fmt: skip
        try:
            return customer_create(shop.store, email=f"shopper{n}@example.com", first_name="New",
                                   last_name=f"Shopper {n}", addresses=[address])  # fmt: skip
        except Exception:  # the customer is saved; its webhook could not be queued
            self.run.unqueued_webhooks += 1
            return shop.store.customers.get(email=f"shopper{n}@example.com")

    def _send_due(self) -> None:
        from django.db import connection

        try:
            while not (self.stopping.is_set() and not self.due):
                with self.lock:
                    ready = self.due and self.due[0][0] <= time.time()
                    delivery_id = heapq.heappop(self.due)[1] if ready else None
                if delivery_id is None:
                    time.sleep(0.05)
                    continue
                self.run.redeliveries[self._redeliver(delivery_id)] += 1
        finally:
            connection.close()

    @staticmethod
    def _redeliver(delivery_id: int) -> str:
        import requests

        from sandbox.bigcommerce.delivery import signed_headers
        from sandbox.bigcommerce.models import BcDelivery

        delivery = BcDelivery.objects.select_related("hook__store").get(pk=delivery_id)
        hook = delivery.hook
        headers = {**(hook.headers or {}), **signed_headers(hook.store, delivery)}
        try:
            answer = requests.post(hook.destination, data=delivery.body.encode(), headers=headers,
                                   timeout=10, allow_redirects=False)  # fmt: skip
        except requests.RequestException as exc:
            return type(exc).__name__
        return str(answer.status_code)

    def finish(self) -> None:
        self.stopping.set()
        self.sender.join(timeout=30)


def place_at_rate(placer: Placer, shops: list[Shop], count: int, rate: float, rng, *,
                  new_shoppers: bool, stop: threading.Event) -> None:  # fmt: skip
    """`count` orders at `rate` a second, each to a shop chosen by weight; with new_shoppers, 10 %
    come from a new shopper and 10 % from a new shopper who places two orders at once."""
    weights = [shop.weight for shop in shops]
    start, made = time.time(), 0
    while made < count and not stop.is_set():
        delay = start + made / rate - time.time()
        if delay > 0:
            time.sleep(delay)
        shop = rng.choices(shops, weights)[0]
        roll = rng.random() if new_shoppers else 1.0
        if roll < 0.2:
            shopper = placer.new_shopper(shop)
            for _ in range(2 if roll < 0.1 and made + 1 < count else 1):
                placer.place(shop, customer=shopper)
                made += 1
        else:
            placer.place(shop)
            made += 1


# --- faults --------------------------------------------------------------------------------
def myob_faults_set(run: Run, **faults) -> None:
    from sandbox.myob.models import MyobBusiness

    ids = [shop.ledger.pk for shop in run.shops if shop.erp == "myob"]
    MyobBusiness.objects.filter(pk__in=ids).update(**faults)


def storm_end(run: Run) -> int:
    """Clear the storm; returns how many calls it answered 403."""
    from sandbox.myob.models import MyobBusiness

    ids = [shop.ledger.pk for shop in run.shops if shop.erp == "myob"]
    left = sum(MyobBusiness.objects.filter(pk__in=ids).values_list("fault_rate_limited", flat=True))
    MyobBusiness.objects.filter(pk__in=ids).update(fault_rate_limited=0)
    return STORM_ARMED * len(ids) - left


def unconfirmed_creates(run: Run) -> str:
    """Arm the MYOB sandbox's create-then-5xx / create-then-hang switches (invoices only)."""
    from sandbox.myob.models import MyobBusiness

    fields = {f.name for f in MyobBusiness._meta.get_fields()}
    if not {name for _, name, _ in UNCONFIRMED_CREATES} <= fields:
        return "MYOB POST timeouts: MISSING (the MYOB sandbox has no create-then-hang/5xx switch)"
    shops = {shop.label: shop for shop in run.shops}
    armed = []
    for label, name, count in UNCONFIRMED_CREATES:
        if label not in shops:
            continue
        business = shops[label].ledger
        MyobBusiness.objects.filter(pk=business.pk).update(
            **{name: count, "fault_create_resource": "Sale/Invoice"}
        )
        armed.append(f"{label} {name}={count}")
    return "MYOB POST timeouts: the next invoice creates commit, then fail: " + ", ".join(armed)


def kill_worker_mid_job(stack: Stack, run: Run) -> None:
    from sync.models import JobState, SyncJob

    running = wait_for(
        lambda: list(SyncJob.objects.filter(state=JobState.RUNNING).values_list("pk", flat=True)),
        timeout=30, interval=0.05, what="a job running to kill the worker under",
    )  # fmt: skip
    stack.worker_kill()
    killed_at = time.time()
    run.killed_jobs = dict.fromkeys(running, killed_at)
    run.note(f"worker kill -9 with job(s) {running} running; a new worker starting")
    stack.worker_start()
    run.note("new worker ready")


def fault_schedule(stack: Stack, run: Run, span: float, done: threading.Event) -> None:
    """The faults of the `faults` scenario at fixed shares of the order-placing span."""
    plan = [
        (0.15, "storm"),
        (0.25, "timeouts"),
        (0.35, "kill"),
        (0.55, "redis"),
        (0.80, "broker"),
    ]
    for share, what in plan:
        delay = run.started + share * span - time.time()
        if delay > 0 and done.wait(delay):
            return
        if what == "storm":
            myob_faults_set(run, fault_rate_limited=STORM_ARMED)
            run.note(
                f"MYOB rate-limit storm: every call answers 403 RateLimitError for {STORM_SECONDS} s"
            )
            time.sleep(STORM_SECONDS)
            run.storm_calls += storm_end(run)
            run.note(f"storm over ({run.storm_calls} calls answered 403 by it)")
        elif what == "timeouts":
            run.note(unconfirmed_creates(run))
        elif what == "kill":
            try:
                kill_worker_mid_job(stack, run)
            except TimeoutError as exc:
                run.note(f"worker kill skipped: {exc}")
        elif what == "redis":
            stack.redis_stop(keep_data=False)
            run.note(f"Redis stopped (budgets, cache, broker) for {REDIS_OUTAGE_SECONDS} s")
            time.sleep(REDIS_OUTAGE_SECONDS)
            stack.redis_start()
            run.note("Redis restarted EMPTY")
        elif what == "broker":
            stack.redis_stop(keep_data=True)
            stack.redis_start()
            run.note("broker restarted (Redis restarted with its data)")


# --- waiting for the end -------------------------------------------------------------------
def documents(shops: list[Shop]) -> dict[tuple[int, str], list[datetime]]:
    """(connection shop index, order id) -> creation times of its ERP documents, from the
    sandboxes' own records (reference "BC-<order id>")."""
    from sandbox.exact_online.models import ExactRecord
    from sandbox.myob.models import MyobRecord

    found = defaultdict(list)
    for index, shop in enumerate(shops):
        if shop.erp == "myob":
            rows = MyobRecord.objects.filter(business=shop.ledger, resource__in=MYOB_INVOICES)
            pairs = ((r.data.get("CustomerPurchaseOrderNumber", ""), r.created) for r in rows)
        else:
            rows = ExactRecord.objects.filter(
                division=shop.ledger, resource="salesinvoice/SalesInvoices"
            )
            pairs = ((r.data.get("YourRef", ""), r.created) for r in rows)
        for reference, created in pairs:
            if reference.startswith("BC-"):
                found[(index, reference[3:])].append(created)
    return found


def settle(run: Run, timeout: float) -> float | None:
    """Wait until every order has a document and no job is pending or running (harness)."""
    index = {id(shop): i for i, shop in enumerate(run.shops)}

    def missing():
        docs = documents(run.shops)
        return [p for p in run.placed if not docs.get((index[id(p.shop)], str(p.order_id)))]

    return settled_when(missing, timeout=timeout, interval=1)


# --- figures -------------------------------------------------------------------------------
def _ts(value: datetime) -> float:
    return value.replace(tzinfo=value.tzinfo or UTC).timestamp()


def _p(values) -> str:
    if not values:
        return "n/a"
    return (
        f"p50 {percentile(values, 50):.1f} s, p95 {percentile(values, 95):.1f} s (n={len(values)})"
    )


def figures(run: Run, settled_at: float | None, scenario: str) -> bool:
    from audit.models import ApiCall
    from sandbox.exact_online.models import ExactApiRequest, ExactRecord
    from sandbox.myob.models import MyobApiRequest, MyobRecord
    from sync.models import JobState, SyncJob
    from webhooks.models import InboundEvent

    shops, placed = run.shops, run.placed
    index = {id(shop): i for i, shop in enumerate(shops)}
    docs = documents(shops)
    connections = [shop.connection.pk for shop in shops]
    per_order = [len(docs.get((index[id(p.shop)], str(p.order_id)), [])) for p in placed]
    lost = sum(1 for n in per_order if n == 0)
    duplicate = sum(n - 1 for n in per_order if n > 1)
    first_event = {}
    for connection_id, resource_id, received in InboundEvent.objects.filter(
        connection_id__in=connections, scope="store/order/created"
    ).values_list("connection_id", "resource_id", "received_at"):
        key = (connection_id, resource_id)
        first_event[key] = min(first_event.get(key, received), received)

    waits, hook_waits, small_waits, big_waits = [], [], [], []
    last_doc = 0.0
    for p in placed:
        created = docs.get((index[id(p.shop)], str(p.order_id)))
        if not created:
            continue
        done = min(_ts(c) for c in created)
        last_doc = max(last_doc, max(_ts(c) for c in created))
        waits.append(done - p.at)
        received = first_event.get((p.shop.connection.pk, str(p.order_id)))
        if received is not None:
            hook_waits.append(done - _ts(received))
            (small_waits if p.shop.small else big_waits).append(done - _ts(received))
    first_order, last_order = min(p.at for p in placed), max(p.at for p in placed)
    end = max(last_doc, first_order + 1)
    busy_seconds = end - first_order
    window = (datetime.fromtimestamp(first_order, UTC), datetime.fromtimestamp(end, UTC))

    # Duplicate customer records: the same e-mail on two cards (accounts) of one ledger.
    extra_cards = 0
    for shop in shops:
        if shop.erp == "myob":
            cards = MyobRecord.objects.filter(business=shop.ledger, resource="Contact/Customer")
            emails = [
                ((c.data.get("Addresses") or [{}])[0].get("Email") or "").lower() for c in cards
            ]
        else:
            cards = ExactRecord.objects.filter(division=shop.ledger, resource="crm/Accounts")
            emails = [(c.data.get("Email") or "").lower() for c in cards]
        extra_cards += sum(n - 1 for e, n in Counter(emails).items() if e and n > 1)

    store_calls = ApiCall.objects.filter(system="bigcommerce", connection_id__in=connections)
    job_store_calls = store_calls.filter(sync_job__isnull=False)
    myob_ids = [str(s.ledger.uid) for s in shops if s.erp == "myob"]
    myob_orders = sum(1 for p in placed if p.shop.erp == "myob")
    exact_orders = len(placed) - myob_orders
    myob_calls = MyobApiRequest.objects.filter(business_id__in=myob_ids)
    myob_in_window = MyobApiRequest.objects.filter(created_at__range=window).count()
    rate_limit_403 = myob_calls.filter(error_name="RateLimitError").count()
    jobs = SyncJob.objects.filter(connection_id__in=connections, kind="order")
    states = Counter(jobs.values_list("state", flat=True))
    with_job = {(c, s) for c, s in jobs.values_list("connection_id", "source_id")}
    no_job = sum(1 for p in placed if (p.shop.connection.pk, str(p.order_id)) not in with_job)

    n = len(placed)
    print("\n== figures (from the database) ==")
    print(f"orders placed: {n} across {len(shops)} tenants "
          f"({myob_orders} into MYOB, {exact_orders} into Exact Online)")  # fmt: skip
    print(
        f"documents per order: {dict(sorted(Counter(per_order).items()))}  ->  lost {lost}, duplicate {duplicate}"
    )
    print(f"duplicate customer records: {extra_cards}")
    if settled_at is None:
        print(f"settled: NO (deadline reached; order jobs by state: {dict(states)})")
    else:
        print(f"time to settle after the last order: {settled_at - last_order:.1f} s "
              f"(last document {max(0.0, last_doc - last_order):.1f} s after it)")  # fmt: skip
    print(f"order placed -> document: {_p(waits)}")
    print(f"webhook -> document:      {_p(hook_waits)}")
    if scenario == "faults":
        print(f"small tenants' webhook -> document: {_p(small_waits)}")
    print(f"order jobs by state: {dict(states)}; orders with no job at all: {no_job}")
    failed = jobs.filter(state=JobState.FAILED).values_list("last_error", flat=True)
    for error, count in Counter(e[:140] for e in failed).most_common(5):
        print(f"  FAILED x{count}: {error}")
    print(f"store calls per order: {job_store_calls.count() / n:.2f} by jobs "
          f"({job_store_calls.filter(method='GET').count() / n:.2f} reads), "
          f"{store_calls.count() / n:.2f} in all")  # fmt: skip
    if myob_orders:
        print(f"MYOB calls per MYOB order: {myob_calls.count() / myob_orders:.2f} (reaching MYOB)")
    if exact_orders:
        exact_calls = ExactApiRequest.objects.filter(
            division__in=[s.ledger.code for s in shops if s.erp != "myob"]
        )
        print(f"Exact calls per Exact order: {exact_calls.count() / exact_orders:.2f}")
    print(f"busy span (first order -> last document): {busy_seconds:.1f} s")
    print(f"MYOB key budget used over it: {myob_in_window / (MYOB_PER_SECOND * busy_seconds):.0%} "
          f"({myob_in_window} calls, {MYOB_PER_SECOND}/s)")  # fmt: skip
    for shop in shops:
        if shop.store.quota < RAISED_QUOTA and any(p.shop is shop for p in placed):
            print(store_budget_line(shop, store_calls.filter(connection=shop.connection)))
    print(f"429s from the stores: {store_calls.filter(status_code=429).count()}; "
          f"MYOB 403 RateLimitError: {rate_limit_403} ({run.storm_calls} injected by the storm)")  # fmt: skip
    if scenario == "burst":
        print(f"burst: {n} orders in {busy_seconds:.1f} s = {n / busy_seconds:.2f} orders/s")
    if scenario == "fairness":
        print(f"fairness: the burst's webhook -> document {_p(big_waits)}")
        print(f"fairness: the nine's  webhook -> document {_p(small_waits)}")
    if scenario == "faults":
        fault_figures(run)
    passed = lost == 0 and duplicate == 0
    print(f"\nVERDICT: {'PASS' if passed else 'FAIL'} ({lost} lost, {duplicate} duplicate)")
    return passed


def store_budget_line(shop: Shop, calls) -> str:
    """How full the store's quota windows were. The sandbox counts fixed windows (like
    BigCommerce's reset time), so the share is taken over the windows between the first and the
    last that saw a call (those two are partial); the busiest window is shown as well."""
    quota, window_ms = shop.store.quota, shop.store.window_ms
    stamps = calls.filter(status_code__isnull=False).exclude(status_code=429)
    per_window = Counter(
        int(_ts(t) * 1000) // window_ms for t in stamps.values_list("created_at", flat=True)
    )
    if not per_window:
        return f"  store {shop.label}: no calls"
    first, last = min(per_window), max(per_window)
    full = [per_window.get(w, 0) for w in range(first + 1, last)]
    share = (
        f"{sum(full) / (quota * len(full)):.0%} over {len(full)} full windows"
        if full
        else "no full window"
    )
    return (
        f"  store {shop.label}: budget used {share}; busiest window {max(per_window.values())} of "
        f"{quota} per {window_ms // 1000} s; {sum(per_window.values())} calls answered (not 429)"
    )


def fault_figures(run: Run) -> None:
    from sync.models import SyncAttempt, SyncJob
    from webhooks.models import InboundEvent

    print(f"redeliveries sent: {sum(run.redeliveries.values())}, answered {dict(run.redeliveries)}")
    print(f"webhooks the sandbox store could not queue (broker down): {run.unqueued_webhooks}")
    connections = [shop.connection.pk for shop in run.shops]
    events = InboundEvent.objects.filter(connection_id__in=connections)
    print(f"inbound events by state: {dict(Counter(events.values_list('state', flat=True)))}")
    for job_id, killed_at in run.killed_jobs.items():
        later = SyncAttempt.objects.filter(
            job_id=job_id, started_at__gt=datetime.fromtimestamp(killed_at, UTC)
        )
        first = later.order_by("started_at").first()
        job = SyncJob.objects.get(pk=job_id)
        if first is None:
            print(f"job {job_id} killed mid-run: never run again (now {job.state})")
        else:
            print(f"job {job_id} killed mid-run: run again {_ts(first.started_at) - killed_at:.1f} s "
                  f"later (now {job.state})")  # fmt: skip


# --- scenarios -----------------------------------------------------------------------------
def scenario_specs(args) -> list[tuple[str, float, str, int]]:
    if args.scenario == "burst":
        return [("big", 1.0, "myob", STANDARD_QUOTA)]
    if args.scenario == "fairness":
        return [("big", 1.0, "myob", RAISED_QUOTA)] + [
            (f"small{i}", 0.0, "myob", RAISED_QUOTA) for i in range(1, 10)
        ]
    small = [
        (f"small{i}", 0.5 / args.tenants, "myob", STANDARD_QUOTA) for i in range(1, args.tenants)
    ]
    exact = [] if args.no_exact else [("small-exact", 0.03, "exact_online", STANDARD_QUOTA)]
    return [("big", 0.5, "myob", STANDARD_QUOTA), *small, *exact]


def warm_up(placer: Placer, run: Run, shops: list[Shop], timeout: float) -> None:
    """One order each, synced and then left out of the figures: the tenants are in operation
    (their MYOB reference data cached, as after any earlier order), so what is measured is a
    live order, not a tenant's very first one (`--cold` measures that)."""
    for shop in shops:
        placer.place(shop)
    if settle(run, timeout) is None:
        raise SystemExit("the warm-up orders did not settle")
    run.note(f"warm-up: one order each from {len(shops)} tenants synced (not counted)")
    run.placed.clear()


def run_scenario(stack: Stack, args, run: Run, rng: random.Random) -> float | None:
    placer = Placer(run, rng, REDELIVERY_SHARE if args.scenario == "faults" else 0.0)
    stop = threading.Event()
    if args.scenario == "fairness" and not args.cold:
        warm_up(placer, run, run.shops[1:], args.settle_timeout)
    try:
        run.started = time.time()
        if args.scenario == "faults":
            myob_faults_set(run, fault_error_rate=ERROR_RATE)
            run.note(f"MYOB answers {ERROR_RATE:.0%} of calls 500 from now on")
            span = args.orders / args.rate
            faults = threading.Thread(
                target=fault_schedule, args=(stack, run, span, stop), daemon=True
            )
            faults.start()
            place_at_rate(
                placer, run.shops, args.orders, args.rate, rng, new_shoppers=True, stop=stop
            )
            run.note(f"{len(run.placed)} orders placed")
            faults.join(timeout=120)
        elif args.scenario == "burst":
            for _ in range(args.orders):
                placer.place(run.shops[0])
            run.note(f"{len(run.placed)} orders placed on one Standard store")
        else:
            for _ in range(args.orders):
                placer.place(run.shops[0])
            for shop in run.shops[1:]:
                placer.place(shop)
            run.note(
                f"burst of {args.orders} then one order from each of {len(run.shops) - 1} tenants placed"
            )
    finally:
        stop.set()
        placer.finish()
    settled = settle(run, args.settle_timeout)
    run.note("settled" if settled else f"NOT settled within {args.settle_timeout:.0f} s")
    if settled:
        time.sleep(5)  # a late duplicate would show up here
    return settled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=["faults", "burst", "fairness"], default="faults")
    parser.add_argument("--orders", type=int, help="default: faults 300, burst 200, fairness 150")
    parser.add_argument("--rate", type=float, default=1.0, help="faults: orders placed per second")
    parser.add_argument("--tenants", type=int, default=5, help="faults: MYOB tenants (one big)")
    parser.add_argument("--no-exact", action="store_true", help="faults: no Exact Online tenant")
    parser.add_argument(
        "--cold", action="store_true", help="fairness: the nine tenants' first orders ever"
    )
    parser.add_argument("--settle-timeout", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--keep-logs", action="store_true")
    args = parser.parse_args()
    args.orders = args.orders or {"faults": 300, "burst": 200, "fairness": 150}[args.scenario]
    rng = random.Random(args.seed)
    random.seed(args.seed)  # the sandbox store's random baskets and shoppers

    passed = False
    with Stack(db_name=DB_NAME) as stack:
        try:
            print(
                f"scenario {args.scenario}: {args.orders} orders; database {DB_NAME}; logs in {stack.dir}",
                flush=True,
            )
            stack.production_start()
            run = Run(shops=shops_create(stack, scenario_specs(args)))
            quiet(180, "the activations' customer pulls finished")
            print(f"{len(run.shops)} tenants active; placing orders", flush=True)
            settled = run_scenario(stack, args, run, rng)
            passed = figures(run, settled, args.scenario)
        except KeyboardInterrupt:
            print("interrupted; stopping everything", flush=True)
        finally:
            stack.finish(keep_db=args.keep_db, keep_files=not passed or args.keep_logs)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
