"""Moving the links of every ERP into one table loses none: the MYOB card links and the Exact
Online account links of an existing database are in ExternalLink after the migrations, with their
versions, and each ERP's customer-change cursor is the customers stream's cursor."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("connectors", "0004_claim_follows_the_run_lease"),
    ("connectors_myob", "0001_customer_link"),
    ("connectors_exact_online", "0001_initial"),
]
MYOB_CURSOR = {"v": 1, "value": "2026-11-20T10:00:00.123000"}
EXACT_CURSOR = {"v": 1, "value": "2026-11-20T09:00:00+00:00"}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_link_and_cursor_survives_the_move_to_one_table():
    old = _migrate(BEFORE)
    tenant = old.get_model("tenants", "Tenant").objects.create(name="Old", slug="old")
    connections = old.get_model("tenants", "Connection").objects
    myob = connections.create(
        tenant=tenant, name="M", erp_kind="myob", cursors={"myob_customers": MYOB_CURSOR}
    )
    exact = connections.create(
        tenant=tenant, name="E", erp_kind="exact_online", cursors={"exact_accounts": EXACT_CURSOR}
    )
    old.get_model("connectors_myob", "MyobCustomerLink").objects.create(
        connection_id=myob.pk, source_id="7", myob_uid="card-7", display_id="CUS000007",
        written_row_version="111", seen_row_version="222",
    )  # fmt: skip
    old.get_model("connectors_myob", "MyobCustomerLink").objects.create(
        connection_id=myob.pk, source_id="guest:ada@example.com", myob_uid="card-8"
    )
    old.get_model("connectors_exact_online", "ExactAccountLink").objects.create(
        connection_id=exact.pk, source_id="9", account_id="account-9"
    )

    new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    links = new.get_model("connectors", "ExternalLink").objects
    rows = sorted(
        links.values_list(
            "connection_id", "entity", "source_id", "erp_id", "erp_number", "written_version",
            "seen_version",
        )
    )  # fmt: skip
    assert rows == sorted([
        (myob.pk, "customer", "7", "card-7", "CUS000007", "111", "222"),
        (myob.pk, "customer", "guest:ada@example.com", "card-8", "", "", ""),
        (exact.pk, "customer", "9", "account-9", "", "", ""),
    ])  # fmt: skip
    cursors = dict(new.get_model("tenants", "Connection").objects.values_list("pk", "cursors"))
    assert cursors == {
        myob.pk: {"erp_customers": MYOB_CURSOR},
        exact.pk: {"erp_customers": EXACT_CURSOR},
    }
