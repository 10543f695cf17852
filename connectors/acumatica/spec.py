"""Acumatica: everything the platform needs to know about this package."""

from config.periodic import Periodic
from connectors.spec import EnvSetting, ErpLink, ErpSpec

SPEC = ErpSpec(
    kind="acumatica",
    label="Acumatica",
    config_form="connectors.acumatica.config.AcumaticaConfig",
    connector="connectors.acumatica.connector.AcumaticaConnector",
    oauth_manager="connectors.acumatica.auth.token_manager",
    # 'Connect Acumatica', the endpoint version, the document settings, the push receiver
    urls="connectors.acumatica.urls",
    links=(
        ErpLink("Connect Acumatica", "acumatica:connect", "connect-acumatica", primary=True),
        ErpLink("Endpoint version", "acumatica:picker", "acumatica-version"),
        ErpLink("Acumatica documents", "acumatica:mappings", "acumatica-mappings"),
        ErpLink("Push notifications", "acumatica:push-settings", "acumatica-push"),
    ),
    periodic_tasks=(
        Periodic(
            "Hand over lost Acumatica push notifications",
            "connectors.acumatica.tasks.sweep_notifications",
            every_seconds=300,
        ),
    ),
    env_settings=(
        EnvSetting(
            "ACUMATICA_REDIRECT_URI",
            doc="the OAuth redirect exactly as registered on each connected application; blank: "
            "PUBLIC_BASE_URL/acumatica/connect/callback/",
        ),
        EnvSetting(
            "ACUMATICA_RATE_WINDOW_SECONDS",
            60.0,
            doc="the length of the licence's request minute per instance; tests shrink it",
        ),
        EnvSetting(
            "ACUMATICA_ACTION_POLL_SECONDS",
            1.0,
            doc="how often a running action (release, prepare invoice) is polled",
        ),
        EnvSetting(
            "ACUMATICA_ACTION_POLLS",
            60,
            doc="how many polls an action gets before the job tries again later",
        ),
    ),
)
