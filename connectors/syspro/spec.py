"""SYSPRO: its settings form; no connector yet, so connections stay drafts."""

from connectors.spec import ErpSpec

SPEC = ErpSpec(kind="syspro", label="SYSPRO", config_form="connectors.syspro.config.SysproConfig")
