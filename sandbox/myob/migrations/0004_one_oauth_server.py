# The sandbox MYOB's OAuth rows move to the sandboxes' one OAuth server (app "sandbox"): its
# codes, tokens and token calls are dropped (sandbox data only) and the API key is recreated as an
# OAuthApp with MYOB's settings.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sandbox', '0001_initial'),
        ('sandbox_myob', '0003_create_then_fault_switches'),
    ]

    operations = [
        migrations.DeleteModel(name='MyobAuthCode'),
        migrations.DeleteModel(name='MyobToken'),
        migrations.DeleteModel(name='MyobTokenRequest'),
        migrations.DeleteModel(name='MyobApiKey'),
        migrations.CreateModel(
            name='MyobApiKey',
            fields=[
                ('oauthapp_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to='sandbox.oauthapp')),
                ('access_token_seconds', models.PositiveIntegerField(default=1200)),
                ('per_second_limit', models.PositiveIntegerField(default=8)),
                ('daily_limit', models.PositiveIntegerField(default=1000000)),
                ('second_window', models.BigIntegerField(default=0)),
                ('second_count', models.PositiveIntegerField(default=0)),
                ('day_window', models.BigIntegerField(default=0)),
                ('day_count', models.PositiveIntegerField(default=0)),
            ],
            bases=('sandbox.oauthapp',),
        ),
    ]
