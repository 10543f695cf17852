"""What a catalog push's admin page shows, in words a finance person reads: where the run is,
what it would change or changed, what needs their attention, and each batch with its job."""

from dataclasses import dataclass, field

from django.urls import reverse

from catalog.models import BatchState, CatalogPush, PushField, PushState
from connectors.registry import erp_kind

FIELD_LABELS = dict(PushField.choices)
SKUS_SHOWN = 12  # per problem group; the rest are counted
# The plan's problem codes (catalog/plan.py, catalog/stock.py) as a person names them.
PROBLEM_LABELS = {
    "missing": "Not in the store",
    "duplicate_erp": "Same SKU on several ERP items",
    "store": "Store catalog problem",
    "location": "No store location",
    "unreadable": "Unreadable in the ERP",
    "untracked": "Stock not tracked in the store",
    "tracked_by_product": "Stock tracked per product",
    "tracked_by_variant": "Stock tracked per option",
}
# The page reloads itself while the run moves on its own.
MOVING_STATES = (PushState.PLANNING, PushState.WRITING)


@dataclass(frozen=True)
class Status:
    headline: str
    explanation: str
    tone: str  # info, warning, success, danger
    refresh: bool = False
    waiting: bool = False  # a person confirms or cancels
    confirm_label: str = ""


@dataclass
class PushPage:
    status: Status
    counts: list[tuple[str, int]] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    guard_moves: list[dict] = field(default_factory=list)
    batches: list[dict] = field(default_factory=list)
    percent: int = 0


def push_page(push: CatalogPush) -> PushPage:
    erp = erp_kind(push.connection.erp_kind).label
    changes = sum(push.counts.values())
    return PushPage(
        status=_status(push, erp, changes),
        counts=[(FIELD_LABELS.get(name, name), n) for name, n in push.counts.items() if n],
        sample=[{**row, "field": field_label(row.get("field", ""))} for row in push.sample],
        problems=problem_groups(push.problems),
        guard_moves=push.guard_moves,
        batches=_batches(push),
        percent=push.percent,
    )


def problem_groups(problems: list[dict]) -> list[dict]:
    """The run's problems grouped by cause, each with its SKUs and the first one's reason (the
    others read the same with their own SKU), so 200 untracked SKUs are one line, not 200."""
    groups: dict[str, dict] = {}
    for row in problems:
        code = row.get("problem", "")
        group = groups.setdefault(code, {
            "problem": PROBLEM_LABELS.get(code, code), "skus": [], "reason": row.get("reason", ""),
        })  # fmt: skip
        if row.get("sku"):
            group["skus"].append(row["sku"])
    for group in groups.values():
        group["count"] = len(group["skus"])
        shown = group["skus"][:SKUS_SHOWN]
        more = group["count"] - len(shown)
        group["skus"] = ", ".join(shown) + (f" and {more} more" if more > 0 else "")
    return list(groups.values())


def field_label(key: str) -> str:
    """ "price" → "Price"; "stock@2" (stock at store location 2) → "Stock at location 2"."""
    name, _, location = key.partition("@")
    label = FIELD_LABELS.get(name, name)
    return f"{label} at location {location}" if location else label


def _status(push: CatalogPush, erp: str, changes: int) -> Status:
    state = push.state
    if state == PushState.PLANNING:
        return Status(
            headline="Reading the changes…",
            explanation=f"Reading prices, cost and stock from {erp} and comparing them with the "
            "store's catalog. This page updates by itself.",
            tone="info", refresh=True,
        )  # fmt: skip
    if state == PushState.PREVIEW:
        if not changes:
            return Status(
                headline="Nothing to change",
                explanation=f"The store already has what {erp} holds: nothing would be written.",
                tone="success",
            )  # fmt: skip
        return Status(
            headline=f"Preview: {changes} changes, nothing written yet",
            explanation="Check the counts and the sample below. Writing sends exactly these "
            "changes to the store; nothing is written until you confirm.",
            tone="info", waiting=True,
            confirm_label=f"Write these {changes} changes to the store",
        )  # fmt: skip
    if state == PushState.HELD:
        return Status(
            headline="Stopped before writing: unusually large price changes",
            explanation=f"{len(push.guard_moves)} prices would move by more than the safety "
            f"guard allows, which often means a mistake in {erp} (a wrong price level, a "
            "decimal point). Nothing has been written. Check the list, then write them anyway "
            "or cancel and fix the prices in the ERP.",
            tone="warning", waiting=True,
            confirm_label=f"Write all {changes} changes anyway",
        )  # fmt: skip
    if state == PushState.WRITING:
        return Status(
            headline=f"Writing… {push.batches_done + push.batches_failed} of "
            f"{push.batches_total} batches",
            explanation="Changes go to the store in batches, at the pace the store allows; "
            "live orders keep priority. This page updates by itself.",
            tone="info", refresh=True,
        )  # fmt: skip
    if state == PushState.DONE:
        if push.batches_failed:
            return Status(
                headline=f"Done, but {push.batches_failed} of {push.batches_total} batches failed",
                explanation="The failed batches are listed below with the reason; open one to "
                "see its calls and replay it once the cause is fixed.",
                tone="warning",
            )  # fmt: skip
        return Status(
            headline=f"Done: {changes} changes written" if changes else "Done: nothing to change",
            explanation="The store's catalog now matches the ERP for every SKU listed.",
            tone="success",
        )  # fmt: skip
    if state == PushState.FAILED:
        return Status(
            headline="This push failed",
            explanation=push.error or "See the batches below.",
            tone="danger",
        )  # fmt: skip
    return Status(
        headline="Cancelled: nothing was written",
        explanation=push.error or "The next push reads these ERP changes again.",
        tone="info",
    )  # fmt: skip


def _batches(push: CatalogPush) -> list[dict]:
    rows = []
    for batch in push.batches.select_related("job"):
        job = batch.job
        rows.append({
            "number": batch.number,
            "kind": batch.get_kind_display(),
            "location": batch.location_id,
            "rows": len(batch.rows),
            "state": batch.get_state_display(),
            "failed": batch.state == BatchState.FAILED,
            "error": (job.last_error if job else "") or "; ".join(
                str(f.get("message", f)) for f in batch.failures[:3] if isinstance(f, dict)
            ),
            "job_url": reverse("admin:sync_syncjob_change", args=[job.pk]) if job else "",
        })  # fmt: skip
    return rows
