"""TenantTurn and FindOrCreateClaim now belong to the sync app, on the same tables: this removes
them from connectors' state only (the tables and their rows stay)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('connectors', '0005_external_link'),
        ('sync', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='TenantTurn'),
                migrations.DeleteModel(name='FindOrCreateClaim'),
            ],
        ),
    ]
