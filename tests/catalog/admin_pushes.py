"""Catalog pushes in each state a person meets them, for the admin page tests."""

from django.utils import timezone

from catalog.models import BatchKind, BatchState, CatalogBatch, CatalogPush, PushState

SAMPLE = [
    {"sku": "TENT-2P", "field": "price", "before": "349.00", "after": "329.00"},
    {"sku": "JACKET-M", "field": "stock@1", "before": 12, "after": 30},
]
PROBLEMS = [
    {"sku": "HAMMOCK-1", "problem": "missing",
     "reason": "The store has no product or option with SKU HAMMOCK-1."},
] + [
    {"sku": f"BEANIE-{n}", "problem": "untracked",
     "reason": f"Stock of SKU BEANIE-{n} is not pushed: the store does not track stock for it."}
    for n in range(15)
]  # fmt: skip


def push_in(connection, state: str, **fields) -> CatalogPush:
    defaults = {
        "trigger": "manual", "dry_run": state == PushState.PREVIEW, "counts": {"price": 1, "stock": 1},
        "sample": SAMPLE, "problems": PROBLEMS, "planned_at": timezone.now(),
    }  # fmt: skip
    return CatalogPush.objects.create(
        connection=connection, tenant_id=connection.tenant_id, state=state, **(defaults | fields)
    )


def held_push(connection) -> CatalogPush:
    moves = [
        {"sku": f"TENT-{n}", "before": "100.00", "after": "60.00", "change": -40} for n in range(12)
    ]
    return push_in(connection, PushState.HELD, guard_moves=moves, counts={"price": 12})


def written_push(connection, *, failed: int = 0) -> CatalogPush:
    push = push_in(
        connection, PushState.DONE, batches_total=3, batches_done=3 - failed, batches_failed=failed
    )
    for number, kind in enumerate((BatchKind.PRODUCTS, BatchKind.VARIANTS, BatchKind.INVENTORY), 1):
        state = BatchState.FAILED if number <= failed else BatchState.DONE
        CatalogBatch.objects.create(
            push=push, number=number, kind=kind, state=state, rows=[{"sku": "TENT-2P"}],
            location_id=1 if kind == BatchKind.INVENTORY else None,
            failures=[{"message": "BigCommerce answered 422: price must be at least 0."}]
            if state == BatchState.FAILED else [],
        )  # fmt: skip
    return push
