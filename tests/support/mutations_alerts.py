"""Alerts and digests: each breakage is one claim tests/alerts/ makes.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

RULES = "tests/alerts/test_rules.py"
ADMIN = "tests/alerts/test_channels_admin.py"
E2E = (
    "tests/alerts/test_alerts_end_to_end.py"
    "::test_a_failed_order_is_told_once_everywhere_and_cleared_after_its_replay"
)

MUTATIONS: list[Mutation] = [
    Mutation(
        name="alerts-pipeline-does-not-nudge",
        claim="a job failing for good is told at once, without waiting for the minute's check",
        path="sync/tasks.py",
        find="        _tell_alerts(result.job_id)",
        replace="        pass",
        tests=(E2E,),
    ),
    Mutation(
        name="alerts-failure-without-its-fix",
        claim="an order's alert says why in the cause's words and what to do about it",
        path="alerts/rules.py",
        find="    if not job.error_cause:",
        replace="    if True:",
        tests=(E2E,),
    ),
    Mutation(
        name="alerts-webhook-signature-wrong",
        claim="a signed webhook verifies with the channel's secret (Standard Webhooks)",
        path="alerts/delivery.py",
        find="Webhook(channel.signing_secret).sign(message_id, now, payload)",
        replace='Webhook(channel.signing_secret).sign(message_id, now, payload + " ")',
        tests=(E2E,),
    ),
    Mutation(
        name="alerts-same-failure-not-counted",
        claim="the same failure again adds to its open incident and sends nothing",
        path="alerts/incidents.py",
        find="            state=Incident.State.OPEN, rule=Rule.JOB_FAILED, subject__in=",
        replace="            state=Incident.State.RESOLVED, rule=Rule.JOB_FAILED, subject__in=",
        tests=(f"{RULES}::test_the_same_failure_again_counts_but_sends_nothing", E2E),
    ),
    Mutation(
        name="alerts-replay-under-way-clears",
        claim="a replay under way clears nothing: only its success does",
        path="alerts/rules.py",
        find="NOT_CLEARED = (JobState.FAILED, JobState.PENDING, JobState.RUNNING)",
        replace="NOT_CLEARED = (JobState.FAILED,)",
        tests=(f"{RULES}::test_the_same_failure_again_counts_but_sends_nothing",),
    ),
    Mutation(
        name="alerts-lost-message-stays-lost",
        claim="a message the broker never took is queued again by the minute's check",
        path="alerts/incidents.py",
        find='    counts["requeued"] = stuck_requeue(now)',
        replace='    counts["requeued"] = 0',
        tests=(f"{RULES}::test_a_message_the_broker_never_took_is_queued_again_and_sent_once",),
    ),
    Mutation(
        name="alerts-no-quiet-period",
        claim="at most one message per channel and rule every 15 minutes, the rest summarised",
        path="alerts/incidents.py",
        find="    return State.HELD if recent else State.QUEUED",
        replace="    return State.QUEUED",
        tests=(f"{RULES}::test_one_message_per_rule_every_quarter_hour_then_one_summary",),
    ),
    Mutation(
        name="alerts-no-cleared-message",
        claim="a channel told of an incident hears when it clears",
        path="alerts/incidents.py",
        find="        notify(incident, Kind.RESOLVED, now)",
        replace="        pass",
        tests=(
            f"{RULES}::test_a_connection_needing_reconnection_alerts_and_clears_when_reconnected",
        ),
    ),
    Mutation(
        name="alerts-weekend-counts-as-business-hours",
        claim="no-orders counts business hours only (Monday to Friday, 9 to 17)",
        path="alerts/business_hours.py",
        find="WEEKDAYS = range(0, 5)",
        replace="WEEKDAYS = range(0, 7)",
        tests=(
            f"{RULES}::test_business_hours_leave_out_nights_and_weekends",
            f"{RULES}::test_no_orders_for_the_set_business_hours_alerts_once_and_clears_when_one_arrives",
        ),
    ),
    Mutation(
        name="alerts-other-tenants-channel-told",
        claim="an incident is told only to its own tenant's channels",
        path="alerts/incidents.py",
        find="    channels = AlertChannel.objects.filter(tenant_id=incident.tenant_id, active=True)",
        replace="    channels = AlertChannel.objects.filter(active=True)",
        tests=(f"{RULES}::test_an_unticked_rule_and_another_tenants_channel_hear_nothing",),
    ),
    Mutation(
        name="alerts-unticked-rule-told",
        claim="a channel hears only the rules ticked on it",
        path="alerts/incidents.py",
        find="        if not channel.wants(incident.rule):",
        replace="        if False:",
        tests=(f"{RULES}::test_an_unticked_rule_and_another_tenants_channel_hear_nothing",),
    ),
    Mutation(
        name="alerts-digest-takes-two-days",
        claim="the daily summary counts the day before only",
        path="alerts/digest.py",
        find="    start = datetime.combine(day, time(0), tzinfo=zone)",
        replace="    start = datetime.combine(day - timedelta(days=1), time(0), tzinfo=zone)",
        tests=(f"{RULES}::test_the_daily_summary_counts_yesterdays_orders_documents_and_total",),
    ),
    Mutation(
        name="alerts-slack-address-in-audit-log",
        claim="the Slack hook's secret path is masked in the audit log",
        path="alerts/delivery.py",
        find="    register_secrets([address_secret(channel.url), channel.signing_secret])",
        replace="    register_secrets([channel.signing_secret])",
        tests=(
            f"{ADMIN}::test_send_a_test_message_reaches_slack_and_is_audited_with_its_secret_hidden",
        ),
    ),
    Mutation(
        name="alerts-refused-send-raises",
        claim="a refused send is recorded on the message, never raised into its caller",
        path="alerts/delivery.py",
        find="    except ConnectorError as exc:\n        _failed(message, attempts, exc.message)",
        replace="    except ConnectorError:\n        raise",
        tests=(
            f"{ADMIN}::test_a_refused_send_is_a_plain_error_and_only_a_passing_fault_is_retried",
        ),
    ),
    Mutation(
        name="alerts-viewer-reads-slack-address",
        claim="a viewer's read-only channel page never shows the Slack hook's address",
        path="alerts/admin.py",
        find='        where = ["kind", "email_addresses"] + (["url"] if writes else [])',
        replace='        where = ["kind", "email_addresses", "url"]',
        tests=(
            f"{ADMIN}::test_a_viewer_cannot_add_change_or_test_and_another_tenant_sees_nothing",
        ),
    ),
    Mutation(
        name="alerts-viewer-can-send-test",
        claim="only a write role in the channel's tenant sends a test message",
        path="alerts/admin.py",
        find="        if not self.has_change_permission(request, channel):",
        replace="        if not self.has_view_permission(request, channel):",
        tests=(
            f"{ADMIN}::test_a_viewer_cannot_add_change_or_test_and_another_tenant_sees_nothing",
        ),
    ),
    Mutation(
        name="alerts-email-not-audited",
        claim="an alert e-mail is recorded in the tenant's audit log as an outside call",
        path="alerts/delivery.py",
        find="        api_call_record(\n            system=System.EMAIL,",
        replace="        (lambda **_: None)(\n            system=System.EMAIL,",
        tests=(
            "tests/alerts/test_rules.py::test_a_connection_needing_reconnection_alerts_and_clears_when_reconnected",
        ),
    ),
]
