"""The links live in connectors.ExternalLink now (copied there first)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('connectors', '0005_external_link'),
        ('connectors_exact_online', '0001_initial'),
    ]

    operations = [
        migrations.DeleteModel(
            name='ExactAccountLink',
        ),
    ]
