"""Acumatica: its settings form; no connector yet, so connections stay drafts."""

from connectors.spec import ErpSpec

SPEC = ErpSpec(
    kind="acumatica",
    label="Acumatica",
    config_form="connectors.acumatica.config.AcumaticaConfig",
    urls="connectors.acumatica.urls",  # the push notification receiver
)
