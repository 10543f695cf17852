"""One dict of ERP kinds: label, configuration form and connector class, imported lazily."""

from dataclasses import dataclass

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class ErpKind:
    label: str
    config_form: str
    connector: str | None = None  # dotted path; set when the kind's connector lands

    @property
    def available(self) -> bool:
        """Orders can be sent to it: its connector has landed. Until then a connection of this
        kind may be saved as a draft but not activated."""
        return self.connector is not None

    @property
    def unavailable_message(self) -> str:
        return (
            f"{self.label} is not available yet: its connector is not installed, so nothing can "
            "be sent to it. Keep this connection as a draft; it can be activated once the "
            "connector is installed."
        )


ERP_KINDS: dict[str, ErpKind] = {
    "myob": ErpKind(
        "MYOB Business (AccountRight)",
        "connectors.myob.config.MyobConfig",
        "connectors.myob.connector.MyobConnector",
    ),
    "exact_online": ErpKind(
        "Exact Online",
        "connectors.exact_online.config.ExactOnlineConfig",
        "connectors.exact_online.connector.ExactOnlineConnector",
    ),
    "acumatica": ErpKind("Acumatica", "connectors.acumatica.config.AcumaticaConfig"),
    "business_central": ErpKind(
        "Microsoft Dynamics 365 Business Central",
        "connectors.business_central.config.BusinessCentralConfig",
    ),
    "syspro": ErpKind("SYSPRO", "connectors.syspro.config.SysproConfig"),
}

ERP_CHOICES = [(kind, spec.label) for kind, spec in ERP_KINDS.items()]


def erp_kind(kind: str) -> ErpKind:
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


# system -> factory(connection) -> connectors.auth.TokenManager, for the systems that use OAuth.
TOKEN_MANAGERS: dict[str, str] = {
    "myob": "connectors.myob.auth.token_manager",
    "exact_online": "connectors.exact_online.auth.token_manager",
}


def token_manager_for(token):
    """The TokenManager that keeps one stored OAuthToken row fresh."""
    return import_string(TOKEN_MANAGERS[token.system])(token.connection)
