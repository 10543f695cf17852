"""The endpoint versions an instance serves (`GET <instance>/entity`), and the check of the
version a connection pins against them: a version the instance does not serve is refused with
the list it does serve."""

from connectors.acumatica.client import ENDPOINT, LABEL, instance_client
from connectors.answers import expect, json_of, reading


def served_versions(url: str, connection=None) -> list[str]:
    """The Default endpoint's versions, newest first. ConnectorError when the instance does not
    answer or answers something else."""
    response = instance_client(url, connection).get("entity", operation="entity.versions")
    body = expect(json_of(response, LABEL), dict, LABEL, "GET entity")
    with reading(LABEL, "the list of endpoints (GET entity)"):
        versions = {
            str(endpoint["version"]) for endpoint in body["endpoints"]
            if endpoint.get("name") == ENDPOINT
        }  # fmt: skip
    return sorted(versions, reverse=True)


def version_problem(version: str, served: list[str]) -> str:
    """'' when the instance serves `version`; else what to choose instead."""
    if version in served:
        return ""
    listed = ", ".join(served) or "none"
    return (
        f"This Acumatica instance does not serve the Default endpoint version {version}. "
        f"It serves: {listed}."
    )
