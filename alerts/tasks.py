"""Celery tasks of the alerts: thin, they take ids and call services."""

from celery import shared_task


@shared_task
def evaluate_alerts():
    """Every minute (the beat): incidents opened and cleared, held summaries, daily summaries."""
    from alerts.digest import digests_send
    from alerts.incidents import incidents_evaluate

    counts = incidents_evaluate()
    counts["digests"] = digests_send()
    return counts


@shared_task
def job_failed(job_id: int):
    """Sent by the pipeline when a job failed for good, so its alert goes out at once."""
    from alerts.incidents import jobs_failed

    return jobs_failed([job_id])


@shared_task(bind=True, acks_late=True, max_retries=5)
def send_alert_message(self, message_id: int):
    from alerts.delivery import message_deliver

    retry_in = message_deliver(message_id, final=self.request.retries >= self.max_retries)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)
