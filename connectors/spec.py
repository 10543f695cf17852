"""What an ERP package declares about itself, in one place: `connectors/<kind>/spec.py` exposing
`SPEC`. The registry, the URLs, the beat schedule, the admin's connection page, the redaction of
secret headers and the settings are all built from the specs of the installed ERP apps, so adding
an ERP is its package plus one line in INSTALLED_APPS.

Imports nothing from Django or the project beyond `config.periodic`: settings.py reads the specs'
environment settings before Django is set up.
"""

from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from config.periodic import Periodic

ERP_APPS_PACKAGE = "connectors."


@dataclass(frozen=True)
class ErpLink:
    """A button on the admin's connection page, for connections of the spec's kind."""

    label: str  # may name an erp_settings value: "Division {division}"
    url_name: str  # namespaced, takes the connection's pk: "exact_online:picker"
    css_id: str
    requires: str | None = None  # an erp_settings key that must be set for the button to show
    primary: bool = False  # drawn as the page's main action


@dataclass(frozen=True)
class EnvSetting:
    """A Django setting read from the environment variable of the same name. The default's type
    is the value's (str, int, float or bool)."""

    name: str
    # A text default may name "{public}", PUBLIC_BASE_URL, and "{sandbox}", this ERP's sandbox
    # (PUBLIC_BASE_URL/sandbox/<kind>).
    default: str | int | float | bool = ""
    doc: str = ""
    demo_default: str | None = None  # in demo mode, instead of `default`

    def read(self, env, *, demo: bool, public: str, sandbox: str):
        default = self.demo_default if demo and self.demo_default is not None else self.default
        if isinstance(default, str):
            default = default.format(public=public, sandbox=sandbox)
        return getattr(env, type(default).__name__)(self.name, default=default)


@dataclass(frozen=True)
class ErpSpec:
    kind: str  # the value stored in Connection.erp_kind, the URL prefix and namespace
    label: str
    config_form: str  # dotted path of the settings form (connectors.config.ErpConfigForm)
    connector: str | None = None  # dotted path; None while the kind's connector has not landed
    oauth_manager: str | None = None  # dotted path of factory(connection) -> TokenManager
    urls: str | None = None  # URL module mounted at /<kind>/ with namespace <kind>
    # Earlier mount points (e.g. "exact"): their addresses redirect to /<kind>/, query and all,
    # so redirect URIs registered with the vendor keep working.
    moved_from: tuple[str, ...] = ()
    links: tuple[ErpLink, ...] = ()
    periodic_tasks: tuple[Periodic, ...] = ()
    secret_headers: tuple[str, ...] = ()  # lower-case names, masked in the API call log
    env_settings: tuple[EnvSetting, ...] = ()  # read by config/settings.py
    # Dotted path of the ERP's own set-up on activation, fn(connection) -> None, run after the
    # store's webhooks are registered (Business Central's change subscriptions); it records its
    # own failures and never refuses the activation.
    on_activate: str | None = None
    # Dotted path of fn(connection) -> str: the ERP's own change notifications in one line
    # (subscriptions, their expiry, the last one received), shown on the connection's page.
    health: str | None = None

    @property
    def available(self) -> bool:
        """Orders can be sent to it: its connector is installed. Until then no connection of
        this kind is saved or activated (the form, the REST API and the activation refuse)."""
        return self.connector is not None

    @property
    def unavailable_message(self) -> str:
        return (
            f"{self.label} is not available on this installation: its connector is not "
            "installed, so no order could be sent to it. Choose another ERP, or ask the "
            "platform operator to install it."
        )


def installed_erp_specs(installed_apps) -> list[ErpSpec]:
    """The spec of every installed app under `connectors.` that has one, in INSTALLED_APPS
    order (the order of the ERP choices)."""
    specs = []
    for app in installed_apps:
        if app.startswith(ERP_APPS_PACKAGE) and find_spec(f"{app}.spec") is not None:
            spec = import_module(f"{app}.spec").SPEC
            if spec.kind != app.rsplit(".", 1)[-1]:
                raise ValueError(
                    f"{app}.spec declares kind {spec.kind!r}: it must be the package's"
                )
            specs.append(spec)
    return specs
