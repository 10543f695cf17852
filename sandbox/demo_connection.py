"""What a sandboxed ERP gives the demo tenant: `sandbox/<kind>/demo.py` exposing `DEMO`, a
DemoConnection. They are found the way the ERPs' specs are (connectors/spec.py), so an ERP's
sandbox package brings its demo connection with it."""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from connectors.spec import installed_erp_specs
from sandbox.installed import installed_sandbox_apps


@dataclass(frozen=True)
class DemoConnection:
    name: str
    store_hash: str  # its own sandbox store, so each ERP's orders are told apart
    # sign_in(connection): signed in to the sandbox ERP as its 'Connect' button would leave it.
    sign_in: Callable
    erp_settings: dict = field(default_factory=dict)


def installed_demo_connections(installed_apps) -> dict[str, DemoConnection]:
    """The demo connection of every installed sandbox app that declares one, by ERP kind (the
    package's name), in INSTALLED_APPS order; only once the ERP's connector has landed (its
    spec is available): before that the connection could only be a draft no order reaches."""
    available = {spec.kind for spec in installed_erp_specs(installed_apps) if spec.available}
    return {
        kind: import_module(f"{app}.demo").DEMO
        for kind, app in installed_sandbox_apps(installed_apps, having="demo").items()
        if kind in available
    }
