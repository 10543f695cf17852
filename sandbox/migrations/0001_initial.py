# The sandboxes' one OAuth server: its apps, codes, tokens and token-endpoint calls.

import django.db.models.deletion
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name='OAuthApp',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('vendor', models.CharField(editable=False, max_length=20)),
                ('client_id', models.CharField(max_length=100)),
                ('client_secret', models.CharField(max_length=100)),
                ('redirect_uri', models.CharField(blank=True, max_length=300)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('vendor', 'client_id'), name='oauth_app_per_vendor')],
            },
        ),
        migrations.CreateModel(
            name='AuthCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=100, unique=True)),
                ('grant', models.CharField(max_length=64)),
                ('redirect_uri', models.CharField(max_length=300)),
                ('scope', models.CharField(blank=True, max_length=500)),
                ('expires_at', models.DateTimeField()),
                ('used', models.BooleanField(default=False)),
                ('app', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='sandbox.oauthapp')),
            ],
        ),
        migrations.CreateModel(
            name='IssuedToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('grant', models.CharField(blank=True, max_length=64)),
                ('scope', models.CharField(blank=True, max_length=500)),
                ('chain', models.UUIDField(db_index=True, default=uuid.uuid4)),
                ('access_token', models.CharField(max_length=100, unique=True)),
                ('refresh_token', models.CharField(max_length=100, unique=True)),
                ('issued_at', models.DateTimeField()),
                ('expires_at', models.DateTimeField()),
                ('refresh_used', models.BooleanField(default=False)),
                ('dead', models.BooleanField(default=False)),
                ('app', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tokens', to='sandbox.oauthapp')),
            ],
        ),
        migrations.CreateModel(
            name='TokenRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('vendor', models.CharField(max_length=20)),
                ('client_id', models.CharField(blank=True, max_length=100)),
                ('grant_type', models.CharField(max_length=40)),
                ('status_code', models.PositiveSmallIntegerField()),
                ('message', models.CharField(blank=True, max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
        ),
    ]
