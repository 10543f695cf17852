"""The ERP kinds, found at start-up: the spec (connectors/<kind>/spec.py) of every installed ERP
app, in INSTALLED_APPS order. Classes named by a spec are imported when first asked for."""

from django.conf import settings
from django.utils.module_loading import import_string

from connectors.spec import ErpSpec, installed_erp_specs

ERP_KINDS: dict[str, ErpSpec] = {
    spec.kind: spec for spec in installed_erp_specs(settings.INSTALLED_APPS)
}

ERP_CHOICES = [(kind, spec.label) for kind, spec in ERP_KINDS.items()]


def erp_choices() -> list[tuple[str, str]]:
    """Connection.erp_kind's choices. The field names this function, so its migrations do too,
    not the kinds: installing an ERP needs no migration."""
    return ERP_CHOICES


# system -> factory(connection) -> connectors.auth.TokenManager, for the systems that use OAuth.
TOKEN_MANAGERS: dict[str, str] = {
    kind: spec.oauth_manager for kind, spec in ERP_KINDS.items() if spec.oauth_manager
}


def erp_kind(kind: str) -> ErpSpec:
    try:
        return ERP_KINDS[kind]
    except KeyError:
        raise LookupError(f"Unknown ERP kind {kind!r}; known: {', '.join(ERP_KINDS)}") from None


def config_form_for(kind: str):
    return import_string(erp_kind(kind).config_form)


def connector_class_for(kind: str):
    """The connector class, or None while the kind has no connector yet."""
    path = erp_kind(kind).connector
    return import_string(path) if path else None


def token_manager_for(token):
    """The TokenManager that keeps one stored OAuthToken row fresh."""
    return import_string(TOKEN_MANAGERS[token.system])(token.connection)


def erp_secret_headers() -> frozenset[str]:
    """Headers the ERPs' specs declare secret (lower-case)."""
    return frozenset(h.lower() for spec in ERP_KINDS.values() for h in spec.secret_headers)


def erp_periodic_tasks() -> tuple:
    """The periodic tasks the ERPs' specs declare."""
    return tuple(task for spec in ERP_KINDS.values() for task in spec.periodic_tasks)
