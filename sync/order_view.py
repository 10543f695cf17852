"""What the Orders view says about an order job, in the finance team's words: its state, and
its timeline (webhook received → order fetched → customer → document → payments), each step
with its time and the outside calls it made."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from audit.models import ApiCall, System
from sync.models import JobState, SyncJob
from sync.order_summary import DOCUMENT, STORE_LINES
from sync.payments import POSTED
from tenants.models import ConnectionStatus
from webhooks.models import InboundEvent


@dataclass(frozen=True)
class State:
    words: str
    colour: str  # green, red, orange, blue, gray (admin.css: status-<colour>)


def state_of(job: SyncJob) -> State:
    """The job's state as a sentence a finance person reads at a glance."""
    if job.state == JobState.SUCCEEDED:
        return State("In the ledger", "green")
    if job.state == JobState.FAILED:
        return State("Failed — needs attention", "red")
    if job.state == JobState.RUNNING:
        return State("Working on it", "blue")
    if job.state == JobState.SKIPPED:
        status_id = job.details.get("status_id")
        if status_id is not None and status_id not in job.connection.sync_status_ids:
            return State("Skipped: status not synced", "gray")
        return State("Skipped: no longer in the store", "gray")
    if job.connection.status != ConnectionStatus.ACTIVE:
        return State(f"Waiting: connection {job.connection.get_status_display().lower()}", "orange")
    if job.next_attempt_at and job.next_attempt_at > timezone.now():
        return State(
            f"Waiting to retry at {timezone.localtime(job.next_attempt_at):%H:%M}", "orange"
        )
    return State("Working on it", "blue")


@dataclass
class Step:
    title: str
    done: bool
    when: datetime | None = None
    facts: list[str] = field(default_factory=list)
    calls: list[ApiCall] = field(default_factory=list)


def _erp_step(call: ApiCall) -> str:
    """Which step an ERP call belongs to, by our own operation names (customer.*, payments…)."""
    operation = call.operation.lower()
    if "customer" in operation:
        return "customer"
    if any(word in operation for word in ("payment", "receipt", "deposit", "cash")):
        return "payments"
    return "document"


def timeline(job: SyncJob, erp_label: str) -> list[Step]:
    calls = list(job.api_calls.order_by("created_at", "id"))
    store_calls = [c for c in calls if c.system == System.BIGCOMMERCE]
    erp_calls: dict[str, list[ApiCall]] = {"customer": [], "document": [], "payments": []}
    for call in calls:
        if call.system != System.BIGCOMMERCE:
            erp_calls[_erp_step(call)].append(call)
    return [
        _webhooks(job),
        _fetched(job, store_calls),
        _customer(job, erp_calls["customer"], erp_label),
        _document(job, erp_calls["document"], erp_label),
        _payments(job, erp_calls["payments"], erp_label),
    ]


def _last(calls: list[ApiCall]) -> datetime | None:
    return calls[-1].created_at if calls else None


def _webhooks(job: SyncJob) -> Step:
    events = InboundEvent.objects.filter(
        connection_id=job.connection_id, resource_id=job.source_id, scope__startswith="store/order/"
    ).order_by("received_at")
    first = events.first()
    if first is None:
        return Step(
            "No webhook: found by the regular check of the store", done=True, when=job.created_at
        )
    count = events.count()
    facts = [f"BigCommerce sent {count} notice{'s' if count != 1 else ''} about this order."]
    return Step("Webhook received", done=True, when=first.received_at, facts=facts)


def _fetched(job: SyncJob, calls: list[ApiCall]) -> Step:
    facts = []
    if job.placed_at:
        facts.append(f"Placed {timezone.localtime(job.placed_at):%d %b %Y %H:%M}")
    if job.details.get("status"):
        facts.append(f"Status in the store: {job.details['status']}")
    done = bool(job.placed_at or calls)
    return Step(
        "Order fetched from BigCommerce", done=done, when=_last(calls), facts=facts, calls=calls
    )


def _customer(job: SyncJob, calls: list[ApiCall], erp: str) -> Step:
    facts = [f"{erp} customer {job.erp_customer_id}"] if job.erp_customer_id else []
    if job.customer_name or job.customer_email:
        facts.append(" ".join(p for p in (job.customer_name, f"<{job.customer_email}>") if p))
    return Step(
        f"Customer matched or created in {erp}",
        done=bool(job.erp_customer_id), when=_last(calls), facts=facts, calls=calls,
    )  # fmt: skip


def _document(job: SyncJob, calls: list[ApiCall], erp: str) -> Step:
    number = job.erp_document_number or job.erp_document_id
    kind = job.details.get(DOCUMENT, {}).get("kind") or "Document"
    facts = [f"{kind} {number}"] if number else []
    return Step(
        f"Document created in {erp}", done=bool(number), when=_last(calls), facts=facts, calls=calls
    )


def _payments(job: SyncJob, calls: list[ApiCall], erp: str) -> Step:
    payments = job.details.get("payments", [])
    posted = job.details.get(POSTED, [])
    facts = [
        f"{p.get('event', p.get('kind', '')).capitalize()} of {_amount(p.get('amount'))} {p.get('currency', '')}"
        f"{' by ' + p['method'] if p.get('method') else ''} ({p.get('status', '')})"
        for p in payments
    ]
    facts += [
        f"Recorded in {erp} as {r.get('erp_number') or r.get('erp_id')}: {r.get('amount')}"
        for r in posted
    ]
    if not payments:
        facts.append("No payments on the order yet.")
    return Step(
        "Payments recorded", done=bool(posted) or (bool(payments) and job.state == JobState.SUCCEEDED),
        when=_last(calls), facts=facts, calls=calls,
    )  # fmt: skip


TRIGGERS = {
    "webhook": "Store notice (webhook)", "poll": "Regular check of the store",
    "replay": "Replay by a person", "retry": "Automatic retry", "sweeper": "Recovery after a stop",
    "backfill": "History import", "activation": "Connection switched on",
}  # fmt: skip


def attempt_rows(job: SyncJob) -> dict:
    """The attempt history, newest first, for the admin's table component: every attempt since
    the order first came, across replays, each with its reason."""
    rows = [
        [
            a.number,
            TRIGGERS.get(a.trigger, a.trigger or "—"),
            a.get_outcome_display() or "Did not finish",
            f"{timezone.localtime(a.started_at):%d %b %Y %H:%M:%S}",
            a.error or "—",
        ]
        for a in job.attempt_log.order_by("-number", "-id")
    ]
    return {"headers": ["Attempt", "Started by", "Outcome", "Started", "Reason"], "rows": rows}


def _amount(value) -> str:
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value or "")


def comparison(job: SyncJob) -> dict:
    """The store's lines and totals beside the document's, in one shape for the page: either
    may be missing (jobs synced before they were kept, or an ERP whose connector cannot
    describe its document)."""
    return {
        "store": _side(job.details.get(STORE_LINES)),
        "document": _side(job.details.get(DOCUMENT)),
    }


SIDE_FIELDS = ("kind", "customer", "subtotal", "discount", "shipping", "tax", "total", "currency")
LINE_FIELDS = ("sku", "quantity", "unit_price", "amount")


def _side(stored: dict | None) -> dict | None:
    if not stored:
        return None
    side = {name: stored.get(name) or "" for name in SIDE_FIELDS}
    side["notes"] = list(stored.get("notes") or [])
    side["lines"] = [
        {
            **{name: line.get(name) or "" for name in LINE_FIELDS},
            "name": line.get("name") or line.get("description") or "",
        }
        for line in stored.get("lines") or []
    ]
    return side
