"""The home dashboard (sync/dashboard*.py, config/admin_navigation.py): each breakage is one claim
tests/test_dashboard.py or tests/test_dashboard_browser.py makes.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

T = "tests/test_dashboard.py::"
EMBEDDED = {"TEST_BACKEND": "embedded"}
BROWSER = ("tests/test_dashboard_browser.py::test_the_dashboard_in_a_browser",)

MUTATIONS: list[Mutation] = [
    Mutation(
        name="dash-period-edge-left-out",
        claim="a job at the very start of a period (midnight, 7 and 30 days) is counted in it",
        path="sync/dashboard.py",
        find='key: Count(field, filter=Q(**{f"{field}__gte": start}))',
        replace='key: Count(field, filter=Q(**{f"{field}__gt": start}))',
        tests=(T + "test_each_tile_counts_the_jobs_inside_its_period_and_not_one_second_before",),
        env=EMBEDDED,
    ),
    Mutation(
        name="dash-posted-by-any-ended-job",
        claim="posted counts only orders that succeeded, by when they ended",
        path="sync/dashboard.py",
        find='posted = _per_period(jobs.filter(state=JobState.SUCCEEDED), "finished_at", starts)',
        replace='posted = _per_period(jobs.exclude(finished_at=None), "finished_at", starts)',
        tests=(T + "test_each_tile_counts_the_jobs_inside_its_period_and_not_one_second_before",),
    ),
    Mutation(
        name="dash-waiting-without-running",
        claim="waiting counts orders queued and those being posted right now",
        path="sync/dashboard.py",
        find="WAITING = (JobState.PENDING, JobState.RUNNING)",
        replace="WAITING = (JobState.PENDING,)",
        tests=(T + "test_each_tile_counts_the_jobs_inside_its_period_and_not_one_second_before",),
    ),
    Mutation(
        name="dash-last-posted-without-document",
        claim="'last document posted' is the newest job that ended with an ERP document",
        path="sync/dashboard.py",
        find='        .exclude(erp_document_id="")\n',
        replace="",
        tests=(T + "test_last_document_and_attention_count_only_the_scope",),
        env=EMBEDDED,
    ),
    Mutation(
        name="dash-tile-defeats-its-index",
        claim="each tile's period is a range on the indexed column, which PostgreSQL's index bounds",
        path="sync/dashboard.py",
        find='found = jobs.filter(**{f"{field}__gte": oldest}).aggregate(',
        replace='found = jobs.filter(**{f"{field}__date__gte": oldest.date()}).aggregate(',
        tests=(T + "test_each_tile_is_one_query_that_its_index_answers",),
    ),
    Mutation(
        name="dash-chart-counts-other-kinds",
        claim="the chart counts order jobs only, grouped by day in the database (SQLite too)",
        path="sync/dashboard.py",
        find="    return SyncJob.objects.filter(kind=JobKind.ORDER, **scope).order_by()",
        replace="    return SyncJob.objects.filter(**scope).order_by()",
        tests=(T + "test_orders_per_day_are_grouped_in_the_database_by_outcome",),
        env=EMBEDDED,
    ),
    Mutation(
        name="dash-counts-every-tenant",
        claim="the home page counts the person's tenants' orders only",
        path="sync/dashboard_views.py",
        find="    jobs = dashboard.order_jobs(tenant_id__in=ids)",
        replace="    jobs = dashboard.order_jobs()",
        tests=(T + "test_the_home_page_shows_only_the_tenants_own_orders",),
    ),
    Mutation(
        name="dash-picker-takes-any-tenant",
        claim="?tenant= of a tenant the person is not in is a 404",
        path="sync/dashboard_views.py",
        find="    chosen = next((t for t in tenants if str(t.pk) == wanted), None)",
        replace="    chosen = Tenant.objects.filter(pk=wanted).first() if wanted.isdigit() else None",
        tests=(T + "test_a_viewer_sees_the_dashboard_and_another_tenants_connection_is_404",),
    ),
    Mutation(
        name="dash-connection-page-unscoped",
        claim="another tenant's connection dashboard is a 404",
        path="sync/dashboard_views.py",
        find="    connection = connections_visible_to(request.user).filter(pk=connection_id).first()",
        replace="    connection = connections_visible_to(request.user).model.objects.filter("
        "pk=connection_id).first()",
        tests=(T + "test_a_viewer_sees_the_dashboard_and_another_tenants_connection_is_404",),
    ),
    Mutation(
        name="dash-health-query-per-connection",
        claim="the page makes as many queries for six connections as for one (no N+1)",
        path="sync/dashboard_health.py",
        find='connections.select_related("tenant", "catalog_settings")',
        replace='connections.select_related("tenant")',
        tests=(T + "test_the_page_makes_the_same_queries_for_one_connection_or_six",),
    ),
    Mutation(
        name="dash-erp-light-reads-store-calls",
        claim="ERP reachability is judged by calls to the ERP, not to the store",
        path="sync/dashboard_health.py",
        find="    ).exclude(system=System.BIGCOMMERCE)",
        replace="    )",
        tests=(T + "test_health_lights_say_what_is_wrong_in_plain_words",),
    ),
    Mutation(
        name="dash-erp-light-any-age",
        claim="an ERP call older than an hour says nothing about reachability now",
        path="sync/dashboard_health.py",
        find='        connection=OuterRef("pk"), created_at__gte=now - ERP_WINDOW',
        replace='        connection=OuterRef("pk")',
        tests=(T + "test_health_lights_say_what_is_wrong_in_plain_words",),
    ),
    Mutation(
        name="dash-webhook-light-ignores-inactive",
        claim="a store webhook switched off turns the webhook light red",
        path="sync/dashboard_health.py",
        find="    if not hooks or active < len(hooks):",
        replace="    if not hooks:",
        tests=(T + "test_health_lights_say_what_is_wrong_in_plain_words",),
    ),
    Mutation(
        name="dash-sign-in-light-ignores-reconnect",
        claim="a connection needing reconnection turns the sign-in light red",
        path="sync/dashboard_health.py",
        find="    if connection.status == ConnectionStatus.NEEDS_RECONNECT:",
        replace="    if False:",
        tests=(T + "test_health_lights_say_what_is_wrong_in_plain_words",),
    ),
    Mutation(
        name="dash-catalog-light-ignores-guard",
        claim="a catalog push stopped by its guard turns the catalog light red",
        path="sync/dashboard_health.py",
        find="    if state == PushState.HELD:",
        replace="    if state == 'never':",
        tests=(T + "test_health_lights_say_what_is_wrong_in_plain_words",),
    ),
    Mutation(
        name="dash-sidebar-links-pages-to-outsiders",
        claim="a person in no tenant gets no links to tenant pages in the sidebar",
        path="config/admin_navigation.py",
        find="    if isinstance(model_admin, TenantScopedAdminMixin):  # its own check, without a query\n"
        "        return member",
        replace="    if isinstance(model_admin, TenantScopedAdminMixin):  # its own check, without a query\n"
        "        return True",
        tests=(T + "test_a_signed_in_person_without_a_tenant_gets_a_plain_sentence",),
    ),
    Mutation(
        name="dash-connection-page-without-link",
        claim="a connection's page links its dashboard",
        path="templates/admin/tenants/connection/change_form.html",
        find="""<a href="{% url 'admin:dashboard_connection' original.pk %}\"""",
        replace="""<a href="#\"""",
        tests=(T + "test_the_connection_page_links_its_dashboard",),
    ),
    Mutation(
        name="dash-chart-bars-overlap",
        claim="the chart stacks each day's outcomes into one bar",
        path="sync/dashboard_views.py",
        find='"y": {"stacked": True, "beginAtZero": True',
        replace='"y": {"stacked": False, "beginAtZero": True',
        tests=BROWSER,
    ),
    Mutation(
        name="dash-tiles-fixed-width",
        claim="the tiles fit a phone's width (no sideways scroll at 390 px)",
        path="static/ml-connector/dashboard.css",
        find="@media (max-width: 560px) { .dash-tiles { grid-template-columns: minmax(0, 1fr); } }",
        replace="@media (max-width: 560px) { .dash-tiles { grid-template-columns: repeat(2, 14rem); } }",
        tests=BROWSER,
    ),
]

MUTATIONS += [
    Mutation(
        name="dash-connection-outcome-index-without-time",
        claim="one connection's posted and failed tiles are bounded by the index on when they ended",
        path="sync/migrations/0004_dash_connection_indexes.py",
        find="fields=['connection', 'kind', 'state', 'finished_at'], name='job_conn_outcome'",
        replace="fields=['connection', 'kind', 'state'], name='job_conn_outcome'",
        tests=(T + "test_each_tile_is_one_query_that_its_index_answers",),
    ),
    Mutation(
        name="dash-review-ignores-the-connection",
        claim="a connection's 'need attention: review' opens that connection's failures",
        path="sync/dashboard_views.py",
        find='    scope = f"connection={connection.pk}" if connection else ""',
        replace='    scope = ""',
        tests=(T + "test_a_viewer_sees_the_dashboard_and_another_tenants_connection_is_404",),
    ),
    Mutation(
        name="dash-memo-off",
        claim="an admin page asks for the person's memberships once per set of roles, not per model",
        path="tenants/request_memo.py",
        find="    if kept is None:\n        return compute()",
        replace="    if kept is not None or kept is None:\n        return compute()",
        tests=(
            "tests/test_request_memo.py::test_a_page_asks_for_the_memberships_once_per_set_of_roles",
        ),
    ),
    Mutation(
        name="dash-memo-keeps-a-stale-answer",
        claim="a membership saved during the request is seen by the rest of that request",
        path="tenants/request_memo.py",
        find="    if kept is not None:\n        kept.clear()",
        replace="    pass",
        tests=("tests/test_request_memo.py::test_a_membership_changed_during_the_request_is_seen",),
    ),
    Mutation(
        name="dash-tiles-list-every-order",
        claim="each tile's 'See these orders' lists that tile's orders (its state, its connection)",
        path="sync/dashboard_views.py",
        find='    query = "&".join(filter(None, [TILE_STATES.get(key, ""), scope]))',
        replace='    query = ""',
        tests=(
            "tests/test_dashboard.py::test_the_home_page_shows_only_the_tenants_own_orders",
            "tests/test_dashboard.py::test_the_connection_page_links_its_dashboard",
        ),
    ),
]
