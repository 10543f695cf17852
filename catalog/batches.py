"""Writing a planned catalog push, one batch after another (being built)."""

from django.utils import timezone

from catalog.models import CatalogPush, PushState


def push_write(push: CatalogPush) -> None:
    CatalogPush.objects.filter(pk=push.pk).update(
        state=PushState.FAILED, finished_at=timezone.now(),
        error="The catalog push is not available yet.",
    )  # fmt: skip
