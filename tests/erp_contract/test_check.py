"""The check before connecting: an ERP's connection check passes on good credentials, and on
bad credentials or before the ERP is connected it fails with a message, never an exception."""

from connectors.checks import erp_check
from tenants.models import Connection


def test_the_check_passes_then_fails_once_the_credentials_stop_matching(kit, tenant):
    _, connection = kit.connect(tenant, "contractcheck")
    good = erp_check(connection)
    assert good.ok and good.message, good
    kit.credentials_spoil(connection)
    bad = erp_check(Connection.objects.get(pk=connection.pk))
    assert not bad.ok and bad.message, bad


def test_the_check_before_connecting_says_to_connect(kit, tenant):
    result = erp_check(kit.connect_draft(tenant))
    assert not result.ok and f"Connect {kit.label}" in result.message, result
