"""An ERP kind whose connector has not landed, made for the test: every ERP has its connector
now, so the unavailable path (a draft, never activated, says why) is proven on SYSPRO's spec with
its connector taken away."""

from dataclasses import replace

import pytest

from connectors import registry

KIND = "syspro"


@pytest.fixture
def unavailable_kind(monkeypatch) -> str:
    spec = registry.ERP_KINDS[KIND]
    monkeypatch.setitem(registry.ERP_KINDS, KIND, replace(spec, connector=None))
    return KIND
