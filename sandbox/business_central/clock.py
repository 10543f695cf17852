"""The sandbox Business Central's clock: real time plus an offset a test moves forward
(services.clock_advance), used for token expiry, subscription expiry, debounce and retries."""

from datetime import datetime, timedelta

from django.utils import timezone


def offset() -> float:
    from sandbox.business_central.models import BcClock

    row = BcClock.objects.filter(pk=1).values_list("offset_seconds", flat=True).first()
    return row or 0.0


def now() -> datetime:
    return timezone.now() + timedelta(seconds=offset())


def advance(seconds: float) -> datetime:
    from django.db.models import F

    from sandbox.business_central.models import BcClock

    BcClock.objects.get_or_create(pk=1)
    BcClock.objects.filter(pk=1).update(offset_seconds=F("offset_seconds") + seconds)
    return now()
