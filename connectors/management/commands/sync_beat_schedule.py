import json

from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from config.schedule import NAME_PREFIX, periodic_tasks


class Command(BaseCommand):
    help = "Write the periodic tasks declared in config/schedule.py into the beat scheduler."

    @transaction.atomic
    def handle(self, *args, **options):
        wanted = set()
        for entry in periodic_tasks():
            name = NAME_PREFIX + entry.name
            wanted.add(name)
            schedule = {"interval": None, "crontab": None}
            if entry.every_seconds:
                schedule["interval"], _ = IntervalSchedule.objects.get_or_create(
                    every=entry.every_seconds, period=IntervalSchedule.SECONDS
                )
            else:
                minute, hour, dom, month, dow = entry.crontab.split()
                schedule["crontab"], _ = CrontabSchedule.objects.get_or_create(
                    minute=minute,
                    hour=hour,
                    day_of_month=dom,
                    month_of_year=month,
                    day_of_week=dow,
                    timezone="UTC",
                )
            PeriodicTask.objects.update_or_create(
                name=name,
                defaults={
                    "task": entry.task,
                    "queue": entry.queue,
                    "enabled": True,
                    "kwargs": json.dumps(entry.kwargs or {}),
                    **schedule,
                },
            )
        stale = PeriodicTask.objects.filter(name__startswith=NAME_PREFIX).exclude(name__in=wanted)
        removed = stale.count()
        stale.delete()
        self.stdout.write(
            f"beat schedule: {len(wanted)} periodic tasks in place, {removed} removed"
        )
