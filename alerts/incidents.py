"""Opening and clearing incidents, and who is told: one incident, one message per channel; at
most one message per channel and rule every quiet period, later ones held and sent together as
one summary; a "cleared" message to every channel that was told of the incident."""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from alerts import wording
from alerts.models import AlertChannel, AlertMessage, Incident, Rule
from alerts.rules import RULES, Condition, job_failed_cleared, job_failed_now

logger = logging.getLogger(__name__)

QUIET_PERIOD = timedelta(minutes=15)
STUCK_AFTER = timedelta(minutes=10)
Kind, State = AlertMessage.Kind, AlertMessage.State
TOLD = (State.QUEUED, State.SENT, State.FAILED)  # the channel was (or is being) told


def incidents_evaluate(now=None) -> dict[str, int]:
    """The beat's pass: open what is new, clear what has cleared, send held summaries."""
    now = now or timezone.now()
    counts = {"opened": 0, "resolved": 0, "summaries": 0, "requeued": 0}
    for rule, current in RULES.items():
        conditions = current(now)
        open_incidents = list(Incident.objects.filter(state=Incident.State.OPEN, rule=rule))
        counts["opened"] += _open_new(conditions, open_incidents, now)
        if rule == Rule.JOB_FAILED:
            cleared = job_failed_cleared(open_incidents)
        else:
            keys = {(c.tenant_id, c.key) for c in conditions}
            cleared = [i for i in open_incidents if (i.tenant_id, i.key) not in keys]
        for incident in cleared:
            counts["resolved"] += incident_resolve(incident, now)
    counts["summaries"] = summaries_send(now)
    counts["requeued"] = stuck_requeue(now)
    return counts


def stuck_requeue(now) -> int:
    """Messages never tried long after they were queued (the broker was away when they were
    made, or lost the task): queued again, so an alert is late rather than lost."""
    stuck = AlertMessage.objects.filter(
        state=State.QUEUED, attempts=0, created_at__lt=now - STUCK_AFTER
    ).values_list("pk", flat=True)
    ids = list(stuck[:500])
    for message_id in ids:
        queue_send(message_id)
    return len(ids)


def jobs_failed(job_ids: list[int], now=None) -> int:
    """The pipeline's nudge when a job failed for good: its incident opens at once, or, when
    one is open already (it failed again), counts one more sighting and tells nobody."""
    now = now or timezone.now()
    conditions = job_failed_now(now, job_ids=job_ids)
    open_incidents = list(
        Incident.objects.filter(
            state=Incident.State.OPEN, rule=Rule.JOB_FAILED, subject__in=[str(i) for i in job_ids]
        )
    )
    open_keys = {(i.tenant_id, i.key) for i in open_incidents}
    again = [i.pk for i in open_incidents]
    if again:
        Incident.objects.filter(pk__in=again).update(seen=F("seen") + 1)
    return _open_new([c for c in conditions if (c.tenant_id, c.key) not in open_keys], [], now)


def _open_new(conditions: list[Condition], open_incidents, now) -> int:
    open_keys = {(i.tenant_id, i.key) for i in open_incidents}
    opened = 0
    for condition in conditions:
        if (condition.tenant_id, condition.key) in open_keys:
            continue
        incident = incident_open(condition)
        if incident is not None:
            opened += 1
            notify(incident, Kind.OPENED, now)
    return opened


def incident_open(condition: Condition) -> Incident | None:
    """None when it is open already (another process opened it a moment ago)."""
    try:
        with transaction.atomic():
            return Incident.objects.create(
                tenant_id=condition.tenant_id,
                connection_id=condition.connection_id,
                rule=condition.rule,
                subject=condition.subject,
                key=condition.key,
                title=condition.title[:300],
                detail=condition.detail,
            )
    except IntegrityError:
        return None


def incident_resolve(incident: Incident, now) -> int:
    resolved = Incident.objects.filter(pk=incident.pk, state=Incident.State.OPEN).update(
        state=Incident.State.RESOLVED, resolved_at=now
    )
    if resolved:
        incident.state, incident.resolved_at = Incident.State.RESOLVED, now
        notify(incident, Kind.RESOLVED, now)
    return resolved


def notify(incident: Incident, kind: str, now) -> None:
    channels = AlertChannel.objects.filter(tenant_id=incident.tenant_id, active=True)
    for channel in channels:
        if not channel.wants(incident.rule):
            continue
        with transaction.atomic():
            # One decision per channel at a time, so two passes never both send in one period.
            AlertChannel.objects.select_for_update().filter(pk=channel.pk).first()
            state = _state_for(channel, incident, kind, now)
            if state is None:
                continue
            subject, body = (
                wording.opened_text(incident)
                if kind == Kind.OPENED
                else wording.resolved_text(incident)
            )
            message = AlertMessage.objects.create(
                tenant_id=incident.tenant_id,
                channel=channel,
                incident=incident,
                rule=incident.rule,
                kind=kind,
                state=state,
                subject=subject[:300],
                body=body,
            )
            if state == State.QUEUED:
                queue_send(message.pk)


def _state_for(channel, incident, kind, now) -> str | None:
    if kind == Kind.RESOLVED:
        told = channel.messages.filter(incident=incident, kind=Kind.OPENED).first()
        if told is None:
            return None  # the channel never heard of it (it was added since)
        return State.QUEUED if told.state in TOLD else State.HELD
    recent = channel.messages.filter(
        rule=incident.rule,
        kind__in=(Kind.OPENED, Kind.SUMMARY),
        state__in=TOLD,
        created_at__gte=now - QUIET_PERIOD,
    ).exists()
    return State.HELD if recent else State.QUEUED


def summaries_send(now) -> int:
    """Held messages whose channel and rule are out of their quiet period: one summary each."""
    sent = 0
    pairs = (
        AlertMessage.objects.filter(state=State.HELD)
        .order_by()
        .values_list("channel_id", "rule")
        .distinct()
    )
    for channel_id, rule in list(pairs):
        with transaction.atomic():
            channel = AlertChannel.objects.select_for_update().filter(pk=channel_id).first()
            if channel is None:
                continue
            quiet = channel.messages.filter(
                rule=rule,
                kind__in=(Kind.OPENED, Kind.SUMMARY),
                state__in=TOLD,
                created_at__gte=now - QUIET_PERIOD,
            ).exists()
            if quiet:
                continue
            held = list(channel.messages.filter(rule=rule, state=State.HELD).order_by("id"))
            if not held:
                continue
            subject, body = wording.summary_text(held, rule)
            summary = AlertMessage.objects.create(
                tenant_id=channel.tenant_id,
                channel=channel,
                rule=rule,
                kind=Kind.SUMMARY,
                subject=subject[:300],
                body=body,
            )
            AlertMessage.objects.filter(pk__in=[m.pk for m in held]).update(state=State.SUMMARISED)
            queue_send(summary.pk)
            sent += 1
    return sent


def queue_send(message_id: int) -> None:
    """After the commit, so the worker finds the row; a broker that is down leaves the message
    queued in the database (it is listed as "being sent") and the pipeline untouched."""

    def send():
        from alerts.tasks import send_alert_message

        try:
            send_alert_message.delay(message_id)
        except Exception:
            logger.warning("alert message %s: not queued (broker unreachable)", message_id)

    transaction.on_commit(send)
