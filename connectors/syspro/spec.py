"""SYSPRO 8 (e.net Solutions over the WCF service's REST binding): everything the platform needs
to know about this package. No OAuth: the operator logs on with a password per session."""

from config.periodic import Periodic
from connectors.spec import ErpSpec

SPEC = ErpSpec(
    kind="syspro",
    label="SYSPRO",
    config_form="connectors.syspro.config.SysproConfig",
    connector="connectors.syspro.connector.SysproConnector",
    periodic_tasks=(
        Periodic(
            "Log off SYSPRO sessions left open",
            "connectors.syspro.tasks.sweep_sessions",
            every_seconds=300,
        ),
    ),
)
