"""The daily summary: yesterday's orders, what reached the ERP, their total, and how many need
someone now ("42 orders → 42 ERP documents, $18,340.00; 0 need attention")."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from alerts.business_hours import local_zone
from alerts.models import AlertChannel, AlertMessage
from sync.models import JobKind, JobState, SyncJob

SENT_AFTER = time(8)  # local time: the summary of the day before goes out from 8:00
SYMBOLS = {"USD": "$", "AUD": "A$", "NZD": "NZ$", "CAD": "CA$", "EUR": "€", "GBP": "£"}


@dataclass(frozen=True)
class DayFigures:
    day: date
    orders: int
    documents: int
    totals: dict[str, Decimal]  # per currency, of the orders that reached the ERP
    need_attention: int


def day_figures(tenant, day: date) -> DayFigures:
    zone = local_zone(tenant)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = start + timedelta(days=1)
    orders = SyncJob.objects.filter(
        tenant=tenant, kind=JobKind.ORDER, created_at__gte=start, created_at__lt=end
    )
    posted = Q(state=JobState.SUCCEEDED) & ~Q(erp_document_id="")
    counts = orders.aggregate(orders=Count("pk"), documents=Count("pk", filter=posted))
    totals = {
        row["currency"] or "": row["total"] or Decimal(0)
        for row in orders.filter(posted).values("currency").annotate(total=Sum("order_total"))
    }
    failed = SyncJob.objects.filter(tenant=tenant, kind=JobKind.ORDER, state=JobState.FAILED)
    return DayFigures(day, counts["orders"], counts["documents"], totals, failed.count())


def money(amount: Decimal, currency: str) -> str:
    symbol = SYMBOLS.get(currency.upper())
    figure = f"{amount:,.2f}"
    return f"{symbol}{figure}" if symbol else f"{figure} {currency}".strip()


def digest_text(figures: DayFigures) -> tuple[str, str]:
    totals = ", ".join(money(a, c) for c, a in sorted(figures.totals.items())) or money(
        Decimal(0), "USD"
    )
    plural = "s" if figures.orders != 1 else ""
    line = (
        f"{figures.orders} order{plural} → {figures.documents} ERP document"
        f"{'s' if figures.documents != 1 else ''}, {totals}; "
        f"{figures.need_attention} need{'s' if figures.need_attention == 1 else ''} attention"
    )
    subject = f"Daily summary for {figures.day:%A %d %B}: {line}"
    body = (
        f"{figures.day:%A %d %B %Y}\n\n{line}.\n\n"
        "Orders: received from the store that day. ERP documents: of those, the ones now in "
        "your ERP, with their total. Need attention: orders that could not be sent and are "
        "waiting for someone, from any day."
    )
    return subject, body


def digests_send(now=None) -> int:
    """From 8:00 local time, each channel that wants it gets yesterday's summary, once."""
    from alerts.incidents import queue_send

    now = now or timezone.now()
    queued = 0
    channels = AlertChannel.objects.filter(active=True, daily_digest=True).select_related("tenant")
    for channel in channels:
        local = now.astimezone(local_zone(channel.tenant))
        if local.time() < SENT_AFTER:
            continue
        day = local.date() - timedelta(days=1)
        if channel.messages.filter(kind=AlertMessage.Kind.DIGEST, digest_date=day).exists():
            continue
        subject, body = digest_text(day_figures(channel.tenant, day))
        try:
            with transaction.atomic():
                message = AlertMessage.objects.create(
                    tenant_id=channel.tenant_id,
                    channel=channel,
                    kind=AlertMessage.Kind.DIGEST,
                    digest_date=day,
                    subject=subject[:300],
                    body=body,
                )
                queue_send(message.pk)
        except IntegrityError:  # another pass made it a moment ago
            continue
        queued += 1
    return queued
