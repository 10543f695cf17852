"""One periodic task as declared: by the platform (config/schedule.py), by an ERP's spec or by a
sandbox. A module of its own, importing nothing, so a spec can declare tasks without importing the
schedule that gathers them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str
    every_seconds: int | None = None
    crontab: str | None = None  # "minute hour day_of_month month_of_year day_of_week"
    queue: str | None = None
    kwargs: dict | None = None  # the task's keyword arguments
