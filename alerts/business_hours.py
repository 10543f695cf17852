"""Business hours between two moments: Monday to Friday, 9:00 to 17:00 local time, so a quiet
night or weekend never reads as "no orders for 14 hours"."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

OPENS, CLOSES = time(9), time(17)
WEEKDAYS = range(0, 5)  # Monday to Friday


def local_zone(tenant=None) -> ZoneInfo:
    """The tenant's own time zone once tenants have one; the platform's until then."""
    name = getattr(tenant, "time_zone", "") or settings.TIME_ZONE
    return ZoneInfo(name)


def business_hours_between(start: datetime, end: datetime, zone: ZoneInfo) -> float:
    if end <= start:
        return 0.0
    start, end = start.astimezone(zone), end.astimezone(zone)
    seconds = 0.0
    day = start.date()
    while day <= end.date():
        if day.weekday() in WEEKDAYS:
            opens = datetime.combine(day, OPENS, tzinfo=zone)
            closes = datetime.combine(day, CLOSES, tzinfo=zone)
            overlap = min(end, closes) - max(start, opens)
            seconds += max(0.0, overlap.total_seconds())
        day += timedelta(days=1)
    return seconds / 3600
