"""The ERP → store flows' job kinds (customers, items)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_syncjob_queued_for'),
    ]

    operations = [
        migrations.AlterField(
            model_name='syncjob',
            name='kind',
            field=models.CharField(choices=[('order', 'Order'), ('customer', 'Customer'), ('customer_to_store', 'Customer, ERP → store'), ('item_to_store', 'Item, ERP → store')], max_length=20),
        ),
    ]
