"""What a message says, in words for the finance team, and where its link leads."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from alerts.models import AlertMessage, Incident, Rule
from sync.models import JobKind, SyncJob

CLEARED_BECAUSE = {
    Rule.JOB_FAILED: "It was sent again successfully.",
    Rule.NO_ORDERS: "Orders are arriving again.",
    Rule.RECONNECT: "The connection was reconnected.",
    Rule.WEBHOOKS_OFF: "The store's webhooks are all on again.",
    Rule.CATALOG_HELD: "Someone confirmed or cancelled the price update.",
}


def _url(name: str, *args) -> str:
    try:
        return settings.PUBLIC_BASE_URL + reverse(name, args=args)
    except NoReverseMatch:  # the page's app is not installed (yet)
        return ""


def incident_link(incident: Incident) -> str:
    if incident.rule == Rule.JOB_FAILED:
        # The Orders view's page for an order, the jobs page for other records.
        order = SyncJob.objects.filter(pk=incident.subject, kind=JobKind.ORDER).exists()
        if order and (url := _url("admin:sync_orderjob_change", incident.subject)):
            return url
        return _url("admin:sync_syncjob_change", incident.subject)
    if incident.rule == Rule.CATALOG_HELD:
        return _url("admin:catalog_catalogpush_change", incident.subject)
    if incident.connection_id:
        return _url("admin:tenants_connection_change", incident.connection_id)
    return _url("admin:alerts_incident_change", incident.pk)


def opened_text(incident: Incident) -> tuple[str, str]:
    link = incident_link(incident)
    body = incident.detail + (f"\n\nOpen it: {link}" if link else "")
    return incident.title, body


def resolved_text(incident: Incident) -> tuple[str, str]:
    when = f"{incident.resolved_at:%H:%M} UTC" if incident.resolved_at else "now"
    return (
        f"Cleared: {incident.title}",
        f"Cleared at {when}. {CLEARED_BECAUSE.get(incident.rule, '')}".strip(),
    )


def summary_text(held: list[AlertMessage], rule: str) -> tuple[str, str]:
    new = [m for m in held if m.kind == AlertMessage.Kind.OPENED]
    cleared = [m for m in held if m.kind == AlertMessage.Kind.RESOLVED]
    label = Rule(rule).label.lower() if rule in Rule.values else rule
    parts = []
    if new:
        parts.append(f"{len(new)} more alert{'s' if len(new) != 1 else ''}")
    if cleared:
        parts.append(f"{len(cleared)} cleared")
    subject = f"{' and '.join(parts)}: {label}"
    lines = [f"• {m.subject}" for m in new[:20]]
    if len(new) > 20:
        lines.append(f"• … and {len(new) - 20} more")
    lines += [f"• {m.subject}" for m in cleared[:20]]
    body = (
        "To keep this channel readable, alerts of one kind are sent at most once every 15 "
        "minutes; these came in since the last one:\n" + "\n".join(lines)
    )
    return subject, body


def test_text() -> tuple[str, str]:
    return (
        "Test message from ml-connector",
        "This channel works: alerts about your orders will arrive here.",
    )
