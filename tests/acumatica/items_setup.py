"""An Acumatica connection signed in as the API user to a sandbox instance, and stock items
seeded there (shared by the items source and push notification tests)."""

from datetime import timedelta

from django.utils import timezone

from sandbox.acumatica.models import AcuRecord
from sandbox.acumatica.records import stamp
from sandbox.acumatica.services import record_put, stock_item_set
from tests.factories import ConnectionFactory
from tests.support.acumatica_sandbox import PASSWORD, USERNAME, VERSION


def acumatica_connection(acu, tenant, **fields):
    return ConnectionFactory(
        tenant=tenant, erp_kind="acumatica",
        erp_settings={"instance_url": acu.url, "tenant": acu.tenant.name, "branch": "MAIN",
                      "endpoint_version": VERSION, "sign_in": "api_user",
                      "client_id": acu.app.client_id, "username": USERNAME},
        erp_secrets={"client_secret": acu.app.client_secret, "password": PASSWORD}, **fields,
    )  # fmt: skip


def stock_item(acu, inventory_id: str, *, method: str = "Standard", **edit) -> AcuRecord:
    """A stock item as a person keeps it: valuation method, price, cost, stock per warehouse."""
    record_put(acu.tenant, "StockItem", {"InventoryID": inventory_id, "ValuationMethod": method})
    return stock_item_set(acu.tenant, inventory_id, **edit)


def backdate(acu, minutes: int = 60) -> None:
    """Every stock item last changed `minutes` ago: a cursor read now sees none of them."""
    moment = timezone.now() - timedelta(minutes=minutes)
    for record in AcuRecord.objects.filter(tenant=acu.tenant, entity="StockItem"):
        record.data["LastModifiedDateTime"] = {"value": stamp(acu.tenant, moment)}
        record.data["LastModified"] = {"value": stamp(acu.tenant, moment)}
        record.modified = moment
        record.save(update_fields=["data", "modified"])
