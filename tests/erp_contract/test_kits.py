"""Every ERP kind with a connector has a kit, so none misses the contracts."""

from connectors.registry import ERP_KINDS
from tests.erp_contract.kits import kits


def test_every_erp_kind_with_a_connector_has_a_kit():
    with_connector = {kind for kind, spec in ERP_KINDS.items() if spec.connector}
    assert with_connector - set(kits()) == set(), "add a kit in tests/erp_contract/kits/"
