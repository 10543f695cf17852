"""Celery tasks of reconciliation: thin, they take ids and call services."""

from celery import shared_task


@shared_task(acks_late=True)
def run_reconciliation(run_id: int):
    from reconciliation.services import run_execute

    run_execute(run_id)


@shared_task
def reconcile_nightly():
    """Yesterday, for every active connection; each run's finding_count is what alerts read."""
    from reconciliation.services import nightly_start_all

    return nightly_start_all()
