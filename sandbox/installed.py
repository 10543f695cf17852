"""Which sandbox apps there are, found by package name, for settings (before Django is set up),
the sandbox URLs and the demo tenant. Imports nothing of Django."""

from importlib.util import find_spec

from connectors.spec import ERP_APPS_PACKAGE

SANDBOX_APPS_PACKAGE = "sandbox."


def erp_sandbox_apps(erp_apps) -> list[str]:
    """The sandbox app of every ERP app that has one (`sandbox.<kind>`), so an ERP is added by one
    line in INSTALLED_APPS: its sandbox follows it."""
    sandboxes = [SANDBOX_APPS_PACKAGE + app.removeprefix(ERP_APPS_PACKAGE) for app in erp_apps]
    return [app for app in sandboxes if find_spec(app) is not None]


def installed_sandbox_apps(installed_apps, *, having: str) -> dict[str, str]:
    """{name under sandbox/: app} for each installed sandbox app with a module `having`, in
    INSTALLED_APPS order."""
    return {
        app.removeprefix(SANDBOX_APPS_PACKAGE): app
        for app in installed_apps
        if app.startswith(SANDBOX_APPS_PACKAGE) and find_spec(f"{app}.{having}") is not None
    }
