"""Our own catalog writes come back as the store's webhooks (BigCommerce fires them on every
change, ours included). Before each batch is written, its products and variants are marked
(EchoMark); an event about a marked record within ECHO_WINDOW is our echo and asks for nothing.
Any other such event is a change made in the store (a person in the control panel, another app):
noted, and it asks for nothing either — the push writes a field again only when the ERP changes
it (catalog/plan.py), so the person's edit stays until then."""

from datetime import timedelta

from django.utils import timezone

from catalog.models import CatalogSettings, EchoMark

# The store's webhooks about what a push writes.
CATALOG_SCOPES = frozenset({
    "store/product/updated",
    "store/product/inventory/updated",
    "store/sku/inventory/updated",
})  # fmt: skip
# The inventory API applies writes asynchronously and webhooks are retried: generous.
ECHO_WINDOW = timedelta(minutes=5)
EARLY = timedelta(seconds=5)  # an event stamped a little before our mark (clocks apart)


def marks_record(push, rows: list[dict]) -> None:
    """Mark the products and variants the rows write, now, before the write is sent."""
    now = timezone.now()
    targets = set()
    for row in rows:
        targets.add(f"product:{row['product_id']}")
        if row.get("variant_id"):
            targets.add(f"variant:{row['variant_id']}")
    EchoMark.objects.bulk_create(
        [
            EchoMark(connection_id=push.connection_id, target=t, written_at=now, push_id=push.pk)
            for t in sorted(targets)
        ],
        update_conflicts=True,
        unique_fields=["connection", "target"],
        update_fields=["written_at", "push"],
        batch_size=1000,
    )


def event_targets(event) -> list[str]:
    """The records an event is about: a variant's event names its variant and its product."""
    data = event.payload.get("data") if isinstance(event.payload, dict) else None
    data = data if isinstance(data, dict) else {}
    inventory = data.get("inventory") if isinstance(data.get("inventory"), dict) else {}
    if event.scope == "store/sku/inventory/updated":
        variant = inventory.get("variant_id") or data.get("id")
        return [f"variant:{variant}"]
    return [f"product:{inventory.get('product_id') or data.get('id')}"]


def event_note(event) -> str:
    """Why a catalog event asks for nothing, in words for the event's page."""
    if not CatalogSettings.objects.filter(connection_id=event.connection_id, enabled=True).exists():
        return "The catalog push is off for this connection: nothing to do."
    received = event.received_at or timezone.now()
    marks = EchoMark.objects.filter(
        connection_id=event.connection_id,
        target__in=event_targets(event),
        written_at__gte=received - ECHO_WINDOW,
        written_at__lte=received + EARLY,
    )
    mark = marks.order_by("-written_at").first()
    if mark is not None:
        return f"Our own catalog write (push {mark.push_id}) coming back: nothing to do."
    return (
        "Changed in the store (by a person or another app): kept. The catalog push writes this "
        "record's fields again when the ERP changes them."
    )


def marks_prune() -> int:
    """Marks past their window say nothing any more."""
    deleted, _ = EchoMark.objects.filter(written_at__lt=timezone.now() - 2 * ECHO_WINDOW).delete()
    return deleted
