"""Celery tasks of the SYSPRO package: thin, they call services."""

from celery import shared_task


@shared_task
def sweep_sessions():
    """Log off operator sessions a dead worker left open (unused for longer than a job's
    lease): each holds one of the company's e.net licence seats until SYSPRO's idle timeout."""
    from connectors.syspro.session import sessions_sweep
    from sync.lease import lease_length

    return sessions_sweep(lease_length())
