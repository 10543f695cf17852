"""Each ERP's spec drives the registry, the URLs, the schedule, the connection page and redaction.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

SPECS = "tests/test_erp_specs.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="spec-links-not-on-the-connection-page",
        claim="a spec's links show on its kind's connection pages, once their setting is chosen",
        path="tenants/admin.py",
        find="        if link.requires is None or chosen.get(link.requires)\n",
        replace="        if link.requires is None\n",
        tests=(
            f"{SPECS}::test_each_kinds_links_show_on_its_connection_pages_only",
            f"{SPECS}::test_a_link_that_needs_a_setting_shows_once_it_is_chosen",
        ),
    ),
    Mutation(
        name="spec-periodic-tasks-not-scheduled",
        claim="every spec's periodic tasks are in the beat schedule",
        path="config/schedule.py",
        find="    ours = PERIODIC_TASKS + erp_periodic_tasks()\n",
        replace="    ours = PERIODIC_TASKS\n",
        tests=(f"{SPECS}::test_the_beat_schedule_has_every_specs_periodic_tasks",),
    ),
    Mutation(
        name="spec-secret-headers-not-masked",
        claim="a header a spec declares secret is masked in the API call log",
        path="audit/redaction.py",
        find="    return name in SECRET_HEADERS or name in _erp_secret_headers()\n",
        replace="    return name in SECRET_HEADERS\n",
        tests=(f"{SPECS}::test_a_specs_secret_header_is_masked_in_the_api_call_log",),
    ),
    Mutation(
        name="moved-erp-address-drops-the-query",
        claim="Exact's old /exact/ addresses redirect with their query string (code and state)",
        path="config/urls.py",
        find='RedirectView.as_view(url=f"/{kind}/%(rest)s", query_string=True)',
        replace='RedirectView.as_view(url=f"/{kind}/%(rest)s")',
        tests=(
            f"{SPECS}::test_exacts_old_addresses_redirect_with_their_query_string",
            "tests/exact_online/test_connect.py::test_connect_signs_in_then_the_division_is_picked_and_checked",
        ),
    ),
    Mutation(
        name="spec-env-settings-ignore-demo-defaults",
        claim="in demo mode each ERP's settings default to its own sandbox",
        path="connectors/spec.py",
        find="        default = self.demo_default if demo and self.demo_default is not None else self.default\n",
        replace="        default = self.default\n",
        tests=(f"{SPECS}::test_settings_read_each_specs_environment_settings",),
    ),
    Mutation(
        name="erp-kinds-written-into-migrations",
        claim="installing an ERP needs no migration (the kind field names the registry's choices)",
        path="tenants/models.py",
        find="choices=erp_choices)",
        replace="choices=erp_choices())",
        tests=(f"{SPECS}::test_installing_an_erp_needs_no_migration",),
    ),
]
