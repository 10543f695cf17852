"""What the Acumatica connector sends holds to the official OpenAPI file.

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
]
