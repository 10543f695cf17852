"""Microsoft Dynamics 365 Business Central: everything the platform needs to know about this
package."""

from config.periodic import Periodic
from connectors.spec import EnvSetting, ErpLink, ErpSpec

SPEC = ErpSpec(
    kind="business_central",
    label="Microsoft Dynamics 365 Business Central",
    config_form="connectors.business_central.config.BusinessCentralConfig",
    connector="connectors.business_central.connector.BusinessCentralConnector",
    # No oauth_manager: an app-only token is got when a call needs one (there is no refresh token
    # to keep alive for idle connections).
    # the company picker, the document settings, the change-notification receiver
    urls="connectors.business_central.urls",
    links=(
        ErpLink("Company", "business_central:picker", "bc-company", primary=True),
        ErpLink(
            "Business Central documents",
            "business_central:mappings",
            "bc-mappings",
            requires="company_id",
        ),
    ),
    # items and customers change subscriptions, renewed by the periodic task below
    on_activate="connectors.business_central.subscriptions.subscriptions_activate",
    health="connectors.business_central.subscriptions.subscription_health",
    periodic_tasks=(
        # Renewed when less than a day of their three is left; recreated when BC deleted one.
        Periodic(
            "Renew Business Central change subscriptions",
            "connectors.business_central.tasks.renew_subscriptions_all",
            every_seconds=900,
        ),
        Periodic(
            "Hand over lost Business Central notifications",
            "connectors.business_central.tasks.sweep_notifications",
            every_seconds=300,
        ),
    ),
    env_settings=(
        EnvSetting(
            "BC_API_URL",
            "https://api.businesscentral.dynamics.com",
            doc="Business Central's API host (the API is at <this>/v2.0/<tenant>/<environment>/"
            "api/v2.0)",
            demo_default="{public}/sandbox/bc",
        ),
        EnvSetting(
            "BC_ENTRA_URL",
            doc="demo and test mode only: where requests for login.microsoftonline.com go (the "
            "sandbox's Entra ID stand-in); ignored in production",
            demo_default="{public}/sandbox/entra",
        ),
        EnvSetting(
            "BC_RATE_WINDOW_SECONDS",
            300.0,
            doc="the length of Business Central's sliding request window (6,000 calls per app "
            "principal); tests shrink it",
        ),
    ),
)
