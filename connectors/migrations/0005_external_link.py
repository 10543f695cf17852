"""One ExternalLink table for every ERP: the MYOB card links and the Exact Online account links
are copied into it (the next migration of each app drops their old tables), and each ERP's
customer-change cursor becomes the one cursor of the customers stream, so no link and no
position in an ERP's change feed is lost."""

import django.db.models.deletion
from django.db import migrations, models

CUSTOMERS_CURSOR = "erp_customers"
OLD_CURSORS = ("myob_customers", "exact_accounts")


def links_copy(apps, schema_editor):
    ExternalLink = apps.get_model("connectors", "ExternalLink")
    myob = apps.get_model("connectors_myob", "MyobCustomerLink")
    exact = apps.get_model("connectors_exact_online", "ExactAccountLink")
    rows = [
        ExternalLink(
            connection_id=link.connection_id, entity="customer", source_id=link.source_id,
            erp_id=link.myob_uid, erp_number=link.display_id,
            written_version=link.written_row_version, seen_version=link.seen_row_version,
            source_modified_at=link.source_modified_at, updated_at=link.updated_at,
        )
        for link in myob.objects.iterator()
    ] + [
        ExternalLink(
            connection_id=link.connection_id, entity="customer", source_id=link.source_id,
            erp_id=link.account_id, updated_at=link.updated_at,
        )
        for link in exact.objects.iterator()
    ]  # fmt: skip
    ExternalLink.objects.bulk_create(rows, batch_size=1000)


def links_copy_back(apps, schema_editor):
    ExternalLink = apps.get_model("connectors", "ExternalLink")
    myob = apps.get_model("connectors_myob", "MyobCustomerLink")
    exact = apps.get_model("connectors_exact_online", "ExactAccountLink")
    links = ExternalLink.objects.filter(entity="customer").select_related("connection")
    for link in links.iterator():
        if link.connection.erp_kind == "myob":
            myob.objects.create(
                connection_id=link.connection_id, source_id=link.source_id, myob_uid=link.erp_id,
                display_id=link.erp_number, written_row_version=link.written_version,
                seen_row_version=link.seen_version, source_modified_at=link.source_modified_at,
            )  # fmt: skip
        elif link.connection.erp_kind == "exact_online":
            exact.objects.create(
                connection_id=link.connection_id, source_id=link.source_id, account_id=link.erp_id
            )


def cursors_rename(apps, schema_editor, old=OLD_CURSORS, new=CUSTOMERS_CURSOR):
    Connection = apps.get_model("tenants", "Connection")
    for connection in Connection.objects.exclude(cursors={}).only("pk", "cursors"):
        cursors = dict(connection.cursors or {})
        found = [name for name in old if name in cursors]
        if found:
            cursors[new] = cursors.pop(found[0])
            Connection.objects.filter(pk=connection.pk).update(cursors=cursors)


def cursors_rename_back(apps, schema_editor):
    Connection = apps.get_model("tenants", "Connection")
    for connection in Connection.objects.exclude(cursors={}).only("pk", "erp_kind", "cursors"):
        cursors = dict(connection.cursors or {})
        if CUSTOMERS_CURSOR in cursors and connection.erp_kind in ("myob", "exact_online"):
            old = OLD_CURSORS[0] if connection.erp_kind == "myob" else OLD_CURSORS[1]
            cursors[old] = cursors.pop(CUSTOMERS_CURSOR)
            Connection.objects.filter(pk=connection.pk).update(cursors=cursors)


class Migration(migrations.Migration):
    dependencies = [
        ("connectors", "0004_claim_follows_the_run_lease"),
        ("connectors_myob", "0001_customer_link"),
        ("connectors_exact_online", "0001_initial"),
        ("tenants", "0007_invitation"),
    ]

    operations = [
        migrations.CreateModel(
            name="ExternalLink",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("entity", models.CharField(choices=[("customer", "Customer"), ("item", "Item")], max_length=20)),
                ("source_id", models.CharField(max_length=300)),
                ("erp_id", models.CharField(max_length=100)),
                ("erp_number", models.CharField(blank=True, max_length=100)),
                ("written_version", models.CharField(blank=True, max_length=64)),
                ("seen_version", models.CharField(blank=True, max_length=64)),
                ("source_modified_at", models.DateTimeField(blank=True, null=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("connection", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="external_links", to="tenants.connection")),
            ],
            options={
                "indexes": [models.Index(fields=["connection", "entity", "erp_id"], name="external_link_erp_id")],
                "constraints": [models.UniqueConstraint(fields=("connection", "entity", "source_id"), name="one_erp_record_per_record")],
            },
        ),
        migrations.RunPython(links_copy, links_copy_back),
        migrations.RunPython(cursors_rename, cursors_rename_back),
    ]
