"""SyncJob, SyncAttempt and BulkRun now belong to the sync app, on the same tables: this removes
them from audit's state only (the tables and their rows stay), and the call log's link to the job
points to sync.SyncJob (the same table, so the database constraint is unchanged)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0005_new_job_kinds'),
        ('sync', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='apicall',
                    name='sync_job',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='api_calls', to='sync.syncjob'),
                ),
                migrations.DeleteModel(name='SyncAttempt'),
                migrations.DeleteModel(name='SyncJob'),
                migrations.DeleteModel(name='BulkRun'),
            ],
        ),
    ]
