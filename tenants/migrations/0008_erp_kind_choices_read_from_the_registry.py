"""Connection.erp_kind names the registry's choices function instead of listing the kinds, so
installing an ERP changes no migration (the database column is unchanged)."""

import connectors.registry
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tenants', '0007_invitation'),
    ]

    operations = [
        migrations.AlterField(
            model_name='connection',
            name='erp_kind',
            field=models.CharField(choices=connectors.registry.erp_choices, max_length=30, verbose_name='ERP'),
        ),
    ]
