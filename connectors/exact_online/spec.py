"""Exact Online: everything the platform needs to know about this package."""

from connectors.spec import EnvSetting, ErpLink, ErpSpec

SPEC = ErpSpec(
    kind="exact_online",
    label="Exact Online",
    config_form="connectors.exact_online.config.ExactOnlineConfig",
    connector="connectors.exact_online.connector.ExactOnlineConnector",
    oauth_manager="connectors.exact_online.auth.token_manager",
    urls="connectors.exact_online.urls",  # 'Connect Exact Online', the division, the mappings
    # Served under /exact/ before: the redirect URI registered with Exact names that address.
    moved_from=("exact",),
    links=(
        ErpLink("Connect Exact Online", "exact_online:connect", "connect-exact", primary=True),
        ErpLink(
            "Division {division}", "exact_online:picker", "exact-division", requires="division"
        ),
        ErpLink(
            "Exact Online mappings", "exact_online:mappings", "exact-mappings", requires="division"
        ),
    ),
    env_settings=(
        EnvSetting(
            "EXACT_CLIENT_ID",
            doc="the platform's Exact Online app (App Center)",
            demo_default="sandbox-exact-app",
        ),
        EnvSetting(
            "EXACT_CLIENT_SECRET",
            doc="the platform's Exact Online app's secret",
            demo_default="sandbox-exact-secret",
        ),
        EnvSetting(
            "EXACT_BASE_URL",
            doc="one Exact Online address for every connection (the sandbox); blank: each "
            "connection's country host, https://start.exactonline.<country>",
            demo_default="{sandbox}",
        ),
        # The pages moved to /exact_online/; the address apps were registered with answers
        # there still, so it stays the default and existing registrations keep working.
        EnvSetting(
            "EXACT_REDIRECT_URI",
            "{public}/exact/connect/callback/",
            doc="the OAuth redirect exactly as registered with Exact",
        ),
        EnvSetting(
            "EXACT_RATE_WINDOW_SECONDS",
            60.0,
            doc="the length of Exact's per-division minute (60 calls each); tests shrink it",
        ),
    ),
)
