"""Planning a catalog push: what the ERP changed, where each SKU lives in the store, and which
fields differ (being built: stage 1 lands the models and the services' signatures)."""

from django.utils import timezone

from catalog.models import CatalogPush, PushState


def plan_step(push_id: int) -> float | None:
    """Plan the push; returns seconds to wait before trying again, or None when done."""
    CatalogPush.objects.filter(pk=push_id, state=PushState.PLANNING).update(
        state=PushState.FAILED, finished_at=timezone.now(),
        error="The catalog push is not available yet.",
    )  # fmt: skip
    return None
