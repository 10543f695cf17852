# The sandbox Exact Online's OAuth rows move to the sandboxes' one OAuth server (app "sandbox"):
# its codes, tokens and token calls are dropped (sandbox data only) and the app is recreated as an
# OAuthApp with Exact's settings.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sandbox', '0001_initial'),
        ('sandbox_exact_online', '0003_create_then_fault_switches'),
    ]

    operations = [
        migrations.DeleteModel(name='ExactAuthCode'),
        migrations.DeleteModel(name='ExactToken'),
        migrations.DeleteModel(name='ExactTokenRequest'),
        migrations.DeleteModel(name='ExactApp'),
        migrations.CreateModel(
            name='ExactApp',
            fields=[
                ('oauthapp_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to='sandbox.oauthapp')),
                ('access_token_seconds', models.PositiveIntegerField(default=600)),
                ('min_refresh_seconds', models.PositiveIntegerField(default=570)),
                ('token_calls_per_day', models.PositiveIntegerField(default=200)),
            ],
            bases=('sandbox.oauthapp',),
        ),
    ]
