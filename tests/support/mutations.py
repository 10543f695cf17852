"""Breakages the tests must notice: each is one change to the product and the tests that claim to
cover it. `./bin/mutations` applies each in its own copy of the checkout and reports whether those
tests failed (caught) or passed (survived). When a claim gets a test, add its breakage here.

`find` must occur exactly once in `path`; `env` is added to the test run's environment (for
example TEST_BACKEND=embedded to run the tests on SQLite and the file broker).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mutation:
    name: str
    claim: str
    path: str
    find: str
    replace: str
    tests: tuple[str, ...]
    env: dict = field(default_factory=dict)


MUTATIONS: list[Mutation] = [
    Mutation(
        name="intake-looks-up-dashed-uuid",
        claim="signed webhooks are accepted on the embedded database (SQLite)",
        path="webhooks/services.py",
        find="key = Connection._meta.pk.get_db_prep_value(connection_id, db_connection)",
        replace="key = str(connection_id)",
        tests=("tests/webhooks/test_intake.py",),
        env={"TEST_BACKEND": "embedded"},
    ),
    Mutation(
        name="ssrf-ignores-embedded-ipv4",
        claim="IPv6 forms (mapped, compatible, NAT64, 6to4, Teredo) of private IPv4 are refused",
        path="connectors/ssrf.py",
        find="(address, *embedded_ipv4(address))",
        replace="(address,)",
        tests=("tests/connectors/test_ssrf_ipv6_embedded.py",),
    ),
    Mutation(
        name="sqlite-without-immediate-writes",
        claim="the embedded database's rate budget holds across processes (SQLite write locks)",
        path="config/settings.py",
        find='"transaction_mode": "IMMEDIATE",',
        replace="",
        tests=("tests/connectors/test_ratelimit.py::test_database_bucket_holds_across_processes",),
        env={"TEST_BACKEND": "embedded"},
    ),
    Mutation(
        name="pipeline-ignores-the-erp-look-up",
        claim="an order already in the ERP is never created again (the look-up before create)",
        path="connectors/sync.py",
        find="existing = erp.find_sales_document(order)",
        replace="existing = None",
        tests=("tests/pipeline/test_end_to_end.py",),
    ),
    Mutation(
        name="pipeline-posts-every-order-twice",
        claim="a placed order becomes exactly one ERP document",
        path="connectors/sync.py",
        find="        document = erp.create_sales_document(order, customer_ref)\n",
        replace="        document = erp.create_sales_document(order, customer_ref)\n"
        "        erp.create_sales_document(order, customer_ref)\n",
        tests=("tests/pipeline/test_end_to_end.py",),
    ),
    Mutation(
        name="poll-reruns-synced-orders",
        claim="a poll that sees an order synced as it is leaves its job alone",
        path="connectors/polling.py",
        find="            if done:",
        replace="            if done and False:",
        tests=(
            "tests/pipeline/test_end_to_end.py::test_an_order_whose_webhook_never_came_is_picked_up_by_the_poll",
        ),
    ),
    Mutation(
        name="handover-holds-batches-for-seconds",
        claim="stored events reach the workers within the gathering window (50 ms)",
        path="webhooks/handover.py",
        find="time.sleep(self.gather_seconds)",
        replace="time.sleep(self.gather_seconds + 3)",
        tests=("tests/webhooks/test_handover.py",),
    ),
    Mutation(
        name="handover-sends-a-late-duplicate",
        claim="each stored event is handed to the workers exactly once",
        path="webhooks/handover.py",
        find="            self._send(batch)",
        replace="            self._send(batch)\n"
        "            threading.Timer(0.5, self._send, [batch]).start()",
        tests=("tests/webhooks/test_handover.py",),
    ),
    Mutation(
        name="healthz-always-503",
        claim="the run command's web process is healthy (/healthz 200) before it is used",
        path="config/health.py",
        find="status=200 if healthy else 503",
        replace="status=503",
        tests=(
            "tests/test_platform_run.py::test_run_starts_web_worker_and_beat_on_sqlite_and_the_file_broker",
        ),
    ),
    Mutation(
        name="db-budget-log-and-counter-share-a-name",
        claim="the database rate budget survives a vendor quota turning a call log into a counter",
        path="connectors/ratelimit.py",
        find='return f"w{span}" if window.limit <= SLIDING_LOG_MAX else f"n{span}"',
        replace='return f"w{span}"',
        tests=("tests/connectors/test_ratelimit.py",),
    ),
    Mutation(
        name="admin-action-ignores-row-tenant",
        claim="an admin action touches only rows in tenants where the person holds a write role",
        path="tenants/admin_scoping.py",
        find="return super().response_action(request, writable)",
        replace="return super().response_action(request, queryset)",
        tests=("tests/test_admin_two_tenants.py",),
    ),
    Mutation(
        name="admin-row-write-any-tenant",
        claim="an admin button changes a row only for a write role in that row's tenant",
        path="tenants/admin_scoping.py",
        find="        return self._tenant_id_of(obj) in allowed\n\n    def writable_rows",
        replace="        return bool(allowed)\n\n    def writable_rows",
        tests=("tests/test_admin_two_tenants.py",),
    ),
    Mutation(
        name="erp-setup-write-any-tenant",
        claim="the MYOB and Exact set-up pages need a write role in the connection's tenant",
        path="connectors/oauth_connect.py",
        find="if not can_write(request.user, connection.tenant_id):",
        replace="if not __import__('tenants.selectors').selectors.tenant_ids_for("
        "request.user, ('owner', 'admin')):",
        tests=("tests/test_admin_two_tenants.py",),
    ),
    Mutation(
        name="api-object-write-always-allowed",
        claim="an API write on a row needs a write role in that row's tenant (session users)",
        path="tenants/api_auth.py",
        find="return scope_for(request).can_write(view.tenant_id_of(obj))",
        replace="return True",
        tests=("tests/api/test_two_tenant_person.py",),
    ),
    Mutation(
        name="claim-takes-any-state",
        claim="no job runs twice: a job that is done (or failed, or skipped) is not claimed again",
        path="connectors/sync.py",
        find="    claimable = SyncJob.objects.filter(pk=job_id).filter(\n"
        "        state=JobState.PENDING\n"
        "    ) | SyncJob.objects.filter(pk=job_id, state=JobState.RUNNING, started_at__lt=now - STALE_RUN)",
        replace="    claimable = SyncJob.objects.filter(pk=job_id)",
        tests=("tests/pipeline/test_jobs.py",),
    ),
    Mutation(
        name="claim-takes-a-live-run",
        claim="no job runs twice: a run under way (not yet stale) is not claimed by a second worker",
        path="connectors/sync.py",
        find="pk=job_id, state=JobState.RUNNING, started_at__lt=now - STALE_RUN",
        replace="pk=job_id, state=JobState.RUNNING, started_at__lt=now + STALE_RUN",
        tests=("tests/pipeline/test_jobs.py",),
    ),
    Mutation(
        name="redispatch-queues-nothing",
        claim="redispatching an event hands it to the workers (a message on the broker)",
        path="webhooks/services.py",
        find="    transaction.on_commit(lambda: process_event.delay(event.pk))",
        replace="    pass",
        tests=("tests/api/test_calls_and_events.py::test_redispatch_hands_the_event_over_again",),
    ),
    Mutation(
        name="apicall-export-ignores-tenant",
        claim="the API call log's CSV export holds the person's own tenants' calls only",
        path="audit/admin.py",
        find="rows = changelist.get_queryset(request).values_list(",
        replace="rows = ApiCall.objects.values_list(",
        tests=("tests/test_audit_admin.py",),
    ),
    Mutation(
        name="spec-tests-skip-in-ci",
        claim="CI never skips the sandbox's check against BigCommerce's OpenAPI files",
        path="tests/sandbox/test_bigcommerce_spec.py",
        find='if not SPECS.exists() and os.environ.get("CI") == "true":',
        replace="if False:",
        tests=("tests/sandbox/test_bigcommerce_spec_guard.py",),
    ),
    Mutation(
        name="admin-view-on-site-mounted",
        claim="/admin/r/<content type>/<id>/ tells nobody whether another tenant's row exists",
        path="config/urls.py",
        find='path("admin/", admin_urls()),',
        replace='path("admin/", __import__("django.contrib.admin").contrib.admin.site.urls),',
        tests=("tests/test_admin_view_on_site.py",),
    ),
    Mutation(
        name="webhook-shared-secret-beats-signature",
        claim="a signed webhook is taken on its signature, even when it also carries the shared "
        "secret header (MYOB and Exact end to end)",
        path="webhooks/verification.py",
        find='    if headers.get("webhook-signature"):',
        replace='    if headers.get("webhook-signature") and not headers.get(SECRET_HEADER):',
        tests=(
            "tests/myob/test_end_to_end.py::test_an_order_webhook_becomes_one_invoice_through_duplicates_and_a_replay",
            "tests/exact/test_end_to_end.py::test_an_order_webhook_becomes_one_invoice_through_duplicates_and_a_replay",
        ),
    ),
    Mutation(
        name="webhook-dedupe-off",
        claim="a redelivered webhook is accepted and stored once (MYOB and Exact end to end)",
        path="webhooks/services.py",
        find="""    raw = f"{payload['scope']}|{payload['hash']}|{payload.get('created_at', '')}\"""",
        replace="""    raw = f"{payload['scope']}|{payload['hash']}|{__import__('uuid').uuid4()}\"""",
        tests=(
            "tests/myob/test_end_to_end.py::test_an_order_webhook_becomes_one_invoice_through_duplicates_and_a_replay",
            "tests/exact/test_end_to_end.py::test_an_order_webhook_becomes_one_invoice_through_duplicates_and_a_replay",
        ),
    ),
    Mutation(
        name="exact-customer-always-puts",
        claim="a customer echoed back by the store is not written to Exact again: nothing "
        "ping-pongs",
        path="connectors/exact_online/customers.py",
        find='if k in MANAGED and v and str(found.get(k) or "") != str(v)',
        replace="if k in MANAGED and v",
        tests=(
            "tests/exact/test_end_to_end.py::test_an_account_edited_in_exact_reaches_the_store_once_and_nothing_ping_pongs",
        ),
    ),
    Mutation(
        name="webhook-secret-compared-as-str",
        claim="a non-ASCII shared-secret header is refused 401, not a 500",
        path="webhooks/verification.py",
        find="hmac.compare_digest(_utf8(presented), _utf8(connection.webhook_secret))",
        replace="hmac.compare_digest(presented, connection.webhook_secret)",
        tests=("tests/webhooks/test_intake_limits.py",),
    ),
    Mutation(
        name="intake-no-depth-limit",
        claim="a signed body nested deeper than MAX_DEPTH is refused 400 before parsing",
        path="webhooks/services.py",
        find="    if _nested_too_deep(text):",
        replace="    if False:",
        tests=("tests/webhooks/test_intake_limits.py",),
    ),
    Mutation(
        name="intake-reads-oversized-body",
        claim="a body declared larger than MAX_BODY_BYTES is refused 413 before it is read",
        path="webhooks/views.py",
        find="refuse_oversized(_declared_length(request))  # before request.body reads it",
        replace="pass",
        tests=("tests/webhooks/test_intake_limits.py",),
    ),
    Mutation(
        name="intake-stores-unpaired-surrogates",
        claim="a payload holding an unpaired surrogate escape is refused 400, not a 500",
        path="webhooks/services.py",
        find=r'UNSTORABLE = re.compile("[\x00\ud800-\udfff]")',
        replace=r'UNSTORABLE = re.compile("[\x00]")',
        tests=("tests/webhooks/test_intake_limits.py", "tests/webhooks/test_intake_fuzz.py"),
    ),
    Mutation(
        name="intake-stores-header-nul",
        claim="a NUL in a header of a proven delivery is stored replaced, not a 500",
        path="webhooks/services.py",
        find='"headers": json.dumps(_storable(headers))',
        replace='"headers": json.dumps(headers)',
        tests=("tests/webhooks/test_intake_limits.py",),
    ),
    Mutation(
        name="intake-scope-must-be-text",
        claim="a scope that is a list or object is refused 400, not a 500",
        path="webhooks/services.py",
        find="if not isinstance(scope, str) or scope not in KNOWN_SCOPES:",
        replace="if scope not in KNOWN_SCOPES:",
        tests=("tests/webhooks/test_intake_limits.py",),
    ),
    Mutation(
        name="intake-accepts-infinite-numbers",
        claim="a payload number out of range (1e999) is refused 400, not a jsonb 500",
        path="webhooks/services.py",
        find="parse_float=_finite)",
        replace="parse_float=float)",
        tests=("tests/webhooks/test_intake_limits.py",),
    ),
    Mutation(
        name="intake-long-resource-id",
        claim="a data.id or data.type longer than its column is refused 400, not a 500",
        path="webhooks/services.py",
        find="if len(resource_type) > RESOURCE_TYPE_LENGTH or len(resource_id) > RESOURCE_ID_LENGTH:",
        replace="if False:",
        tests=("tests/webhooks/test_intake_limits.py",),
    ),
    Mutation(
        name="exact-budget-above-exacts-limit",
        claim="a stream of orders never sends Exact more than 60 calls in one of its windows "
        "(measured from our own audit rows)",
        path="connectors/exact_online/client.py",
        find="MINUTELY, DAILY = 55, 4900",
        replace="MINUTELY, DAILY = 550, 4900",
        tests=(
            "tests/exact/test_end_to_end.py::test_a_stream_of_orders_stays_inside_exacts_limit_with_no_429",
        ),
    ),
    Mutation(
        name="invitation-attaches-at-once",
        claim="an owner's invitation puts nobody in the tenant until they accept it",
        path="tenants/invitations.py",
        find="    invitation_check(tenant=tenant, email=email)\n",
        replace="    invitation_check(tenant=tenant, email=email)\n"
        "    if user_with_email(email):\n"
        "        Membership.objects.get_or_create(user=user_with_email(email), tenant=tenant)\n",
        tests=("tests/test_invitations.py",),
    ),
    Mutation(
        name="membership-add-without-invitation",
        claim="adding a membership in the admin goes through an invitation",
        path="tenants/admin.py",
        find='return HttpResponseRedirect(reverse("admin:tenants_invitation_add"))',
        replace="return super().add_view(request, form_url, extra_context)",
        tests=("tests/test_admin_isolation.py",),
    ),
    Mutation(
        name="invitation-accepted-by-any-account",
        claim="only the account of the invited address can accept an invitation",
        path="tenants/invitations.py",
        find="return user.is_authenticated and user_with_email(invitation.email) == user",
        replace="return user.is_authenticated",
        tests=("tests/test_invitations.py",),
    ),
    Mutation(
        name="invitation-never-expires",
        claim="an invitation link stops working when it expires",
        path="tenants/models.py",
        find='        if self.expires_at <= timezone.now():\n            return "expired"\n',
        replace="",
        tests=("tests/test_invitations.py",),
    ),
    Mutation(
        name="invitation-withdrawn-still-works",
        claim="a withdrawn (or replaced) invitation grants nothing",
        path="tenants/models.py",
        find='        if self.withdrawn_at:\n            return "withdrawn"\n',
        replace="",
        tests=("tests/test_invitations.py",),
    ),
    Mutation(
        name="invitation-email-box-unstyled",
        claim="the e-mail box of the invitation form is visible (the theme's styled input)",
        path="tenants/admin_invitations.py",
        find="class InvitationForm(forms.ModelForm):\n",
        replace="class InvitationForm(forms.ModelForm):\n    email = forms.EmailField()\n\n",
        tests=("tests/test_accounts_browser.py",),
    ),
    Mutation(
        name="password-reset-not-mounted",
        claim="the sign-in page offers a password reset by e-mail that works",
        path="config/urls.py",
        find='    path("admin/", include("tenants.account_urls")),',
        replace="",
        tests=("tests/test_password_reset.py",),
    ),
    Mutation(
        name="password-reset-skips-passwordless",
        claim="people who never had a password get the reset e-mail too",
        path="tenants/account_forms.py",
        find="return (user for user in users if same_address(",
        replace="return (user for user in users if user.has_usable_password() and same_address(",
        tests=("tests/test_password_reset.py",),
    ),
    Mutation(
        name="sign-in-asks-for-username",
        claim="the sign-in form asks for the e-mail address people sign in with",
        path="tenants/account_forms.py",
        find='self.fields["username"].label = "Email address"',
        replace="pass",
        tests=("tests/test_password_reset.py",),
    ),
    Mutation(
        name="sign-in-lands-on-accounts-profile",
        claim="signing in at /admin/login/ lands on the admin, not a 404",
        path="config/settings.py",
        find='LOGIN_REDIRECT_URL = "admin:index"',
        replace="",
        tests=("tests/test_password_reset.py",),
    ),
    Mutation(
        name="lockout-page-without-reset-link",
        claim="a locked-out person is told how to set a new password",
        path="templates/admin/locked_out.html",
        find="""<a href="{% url 'admin_password_reset' %}" class="underline">Set a new one by e-mail</a>""",
        replace="Set a new one by e-mail",
        tests=("tests/test_password_reset.py",),
    ),
]
