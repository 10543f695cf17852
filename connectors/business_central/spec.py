"""Microsoft Dynamics 365 Business Central: its settings form; no connector yet, so connections stay drafts."""

from connectors.spec import ErpSpec

SPEC = ErpSpec(
    kind="business_central",
    label="Microsoft Dynamics 365 Business Central",
    config_form="connectors.business_central.config.BusinessCentralConfig",
)
