"""'Test connection': ping both sides with the stored credentials and say the result plainly."""

from dataclasses import dataclass

from connectors.errors import ConnectorError
from connectors.registry import connector_class_for, erp_kind


@dataclass(frozen=True)
class CheckResult:
    system: str
    ok: bool
    message: str
    hint: str = ""  # what the user should do when not ok


def erp_check(connection) -> CheckResult:
    label = erp_kind(connection.erp_kind).label
    connector_class = connector_class_for(connection.erp_kind)
    if connector_class is None:
        return CheckResult(
            label,
            ok=False,
            message=f"ml-connector cannot reach {label} yet: its connector is not installed.",
            hint="Your settings are saved; the check runs once the connector is available.",
        )
    connector = connector_class(connection)
    try:
        return connector.check()
    except ConnectorError as exc:  # an answer the check could not read
        return CheckResult(label, ok=False, message=exc.message, hint="Try again in a few minutes.")
    finally:
        connector.close()


def connection_check(connection) -> list[CheckResult]:
    from connectors.bigcommerce.checks import bigcommerce_check

    return [bigcommerce_check(connection), erp_check(connection)]
