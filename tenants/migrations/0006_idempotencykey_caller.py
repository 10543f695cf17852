# Idempotency keys belong to one caller (an API token or a signed-in person), not the whole tenant.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tenants', '0005_apitoken_idempotencykey'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='idempotencykey',
            name='one_answer_per_idempotency_key',
        ),
        migrations.AddField(
            model_name='idempotencykey',
            name='caller',
            # Stored answers from before belong to no caller: they are never replayed and expire.
            field=models.CharField(default='', max_length=40),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name='idempotencykey',
            constraint=models.UniqueConstraint(fields=('tenant', 'caller', 'key', 'method', 'path'), name='one_answer_per_idempotency_key'),
        ),
    ]
