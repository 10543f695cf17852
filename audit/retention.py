"""Delete audit rows older than AUDIT_RETENTION_DAYS, in batches so no lock is held long."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from audit.models import ApiCall

BATCH = 5000


def prune_api_calls(*, days: int | None = None, batch: int = BATCH) -> int:
    cutoff = timezone.now() - timedelta(
        days=days if days is not None else settings.AUDIT_RETENTION_DAYS
    )
    total = 0
    while True:
        ids = list(
            ApiCall.objects.filter(created_at__lt=cutoff).values_list("id", flat=True)[:batch]
        )
        if not ids:
            return total
        total += ApiCall.objects.filter(id__in=ids).delete()[0]
