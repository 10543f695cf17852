"""The pipeline's models move here from audit (SyncJob, SyncAttempt, BulkRun) and connectors
(TenantTurn, FindOrCreateClaim) with their tables as they are: only Django's state changes, no row
is copied. Their content types follow, so permissions and admin history stay attached."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = {
    "audit": ["syncjob", "syncattempt", "bulkrun"],
    "connectors": ["tenantturn", "findorcreateclaim"],
}


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_label, models_ in MOVED.items():
        for model in models_:
            if not ContentType.objects.filter(app_label="sync", model=model).exists():
                ContentType.objects.filter(app_label=old_label, model=model).update(
                    app_label="sync"
                )


def content_types_go_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_label, models_ in MOVED.items():
        for model in models_:
            if not ContentType.objects.filter(app_label=old_label, model=model).exists():
                ContentType.objects.filter(app_label="sync", model=model).update(
                    app_label=old_label
                )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('audit', '0005_new_job_kinds'),
        ('connectors', '0005_external_link'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('tenants', '0007_invitation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='FindOrCreateClaim',
                    fields=[
                        ('key', models.CharField(max_length=320, primary_key=True, serialize=False)),
                        ('holder', models.CharField(max_length=40)),
                        ('expires_at', models.DateTimeField()),
                        ('job_lease_owner', models.CharField(blank=True, max_length=40)),
                    ],
                    options={
                        'db_table': 'connectors_findorcreateclaim',
                    },
                ),
                migrations.CreateModel(
                    name='TenantTurn',
                    fields=[
                        ('tenant', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='tenants.tenant')),
                        ('last_turn_at', models.DateTimeField()),
                    ],
                    options={
                        'db_table': 'connectors_tenantturn',
                    },
                ),
                migrations.CreateModel(
                    name='BulkRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('replay', 'Bulk replay'), ('backfill', 'Backfill')], max_length=20)),
                        ('state', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=20)),
                        ('params', models.JSONField(blank=True, default=dict)),
                        ('total', models.PositiveIntegerField(default=0)),
                        ('done', models.PositiveIntegerField(default=0)),
                        ('message', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('connection', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.connection')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('tenant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant')),
                    ],
                    options={
                        'db_table': 'audit_bulkrun',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='SyncJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('order', 'Order'), ('customer', 'Customer'), ('customer_to_store', 'Customer, ERP → store'), ('item_to_store', 'Item, ERP → store')], max_length=20)),
                        ('source_id', models.CharField(max_length=64)),
                        ('state', models.CharField(choices=[('pending', 'Pending'), ('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed'), ('skipped', 'Skipped')], db_index=True, default='pending', max_length=20)),
                        ('lane', models.CharField(choices=[('live', 'Live'), ('backfill', 'Backfill / catch-up')], default='live', max_length=10)),
                        ('attempts', models.PositiveIntegerField(default=0)),
                        ('rerun_requested', models.BooleanField(default=False)),
                        ('last_error', models.TextField(blank=True)),
                        ('warnings', models.JSONField(blank=True, default=list)),
                        ('erp_document_id', models.CharField(blank=True, db_index=True, max_length=100)),
                        ('erp_document_number', models.CharField(blank=True, max_length=100)),
                        ('erp_customer_id', models.CharField(blank=True, max_length=100)),
                        ('details', models.JSONField(blank=True, default=dict)),
                        ('source_modified_at', models.DateTimeField(blank=True, null=True)),
                        ('next_attempt_at', models.DateTimeField(blank=True, db_index=True, null=True)),
                        ('queued_for', models.DateTimeField(blank=True, null=True)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('lease_owner', models.CharField(blank=True, max_length=64)),
                        ('lease_expires_at', models.DateTimeField(blank=True, db_index=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True, db_index=True)),
                        ('connection', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sync_jobs', to='tenants.connection')),
                        ('tenant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant')),
                    ],
                    options={
                        'db_table': 'audit_syncjob',
                        'ordering': ['-updated_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='SyncAttempt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField()),
                        ('trigger', models.CharField(blank=True, max_length=30)),
                        ('outcome', models.CharField(blank=True, choices=[('pending', 'Pending'), ('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed'), ('skipped', 'Skipped')], max_length=20)),
                        ('error', models.TextField(blank=True)),
                        ('started_at', models.DateTimeField(auto_now_add=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('job', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempt_log', to='sync.syncjob')),
                    ],
                    options={
                        'db_table': 'audit_syncattempt',
                        'ordering': ['-number'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='syncjob',
                    constraint=models.UniqueConstraint(fields=('connection', 'kind', 'source_id'), name='one_job_per_record'),
                ),
            ],
        ),
        migrations.RunPython(content_types_follow, content_types_go_back),
    ]
