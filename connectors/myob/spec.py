"""MYOB Business (AccountRight): everything the platform needs to know about this package."""

from connectors.spec import EnvSetting, ErpLink, ErpSpec

SPEC = ErpSpec(
    kind="myob",
    label="MYOB Business (AccountRight)",
    config_form="connectors.myob.config.MyobConfig",
    connector="connectors.myob.connector.MyobConnector",
    oauth_manager="connectors.myob.auth.token_manager",
    urls="connectors.myob.urls",  # 'Connect MYOB' (OAuth), the company file, the mappings
    links=(
        ErpLink("Connect MYOB", "myob:connect", "connect-myob", primary=True),
        ErpLink("Company file", "myob:picker", "myob-company-file", requires="business_id"),
        ErpLink("MYOB mappings", "myob:mappings", "myob-mappings", requires="business_id"),
    ),
    secret_headers=("x-myobapi-cftoken",),  # the company file's sign-in
    env_settings=(
        EnvSetting(
            "MYOB_CLIENT_ID",
            doc="the platform's MYOB app (API key)",
            demo_default="sandbox-myob-key",
        ),
        EnvSetting(
            "MYOB_CLIENT_SECRET",
            doc="the platform's MYOB app (secret)",
            demo_default="sandbox-myob-secret",
        ),
        EnvSetting(
            "MYOB_OAUTH_URL",
            "https://secure.myob.com/oauth2",
            doc="MYOB sign-in address",
            demo_default="{sandbox}/oauth2",
        ),
        EnvSetting(
            "MYOB_API_URL",
            "https://api.myob.com/accountright",
            doc="MYOB API address",
            demo_default="{sandbox}/accountright",
        ),
        EnvSetting(
            "MYOB_REDIRECT_URI",
            doc="the OAuth redirect exactly as registered with MYOB; blank: "
            "PUBLIC_BASE_URL/myob/connect/callback/",
        ),
    ),
)
