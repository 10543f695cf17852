"""What the Acumatica connector sends holds to the official OpenAPI file; a stored push
notification whose hand-over was lost is swept to its push.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

TRAFFIC = "tests/acumatica/test_connector_spec.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="acumatica-date-not-date-time",
        claim="the connector's documents carry their date as the contract's date-time",
        path="connectors/acumatica/mapping.py",
        find='    return f"{order.created_at.date().isoformat()}T00:00:00+00:00"\n',
        replace="    return order.created_at.date().isoformat()\n",
        tests=(f"{TRAFFIC}::test_what_the_connector_sends_and_gets_matches_the_official_file",),
    ),
    Mutation(
        name="acumatica-lost-notification-not-swept",
        claim="a stored push notification whose hand-over was lost is handed over by the sweep",
        path="connectors/acumatica/push.py",
        find="        _hand_over(notification_id)\n    return len(stale)",
        replace="        pass\n    return len(stale)",
        tests=("tests/acumatica/test_push_sweep.py",),
    ),
]
