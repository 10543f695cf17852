"""The links live in connectors.ExternalLink now (copied there first)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('connectors', '0005_external_link'),
        ('connectors_myob', '0001_customer_link'),
    ]

    operations = [
        migrations.DeleteModel(
            name='MyobCustomerLink',
        ),
    ]
