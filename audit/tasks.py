from celery import shared_task


@shared_task
def prune_api_calls():
    from audit.retention import prune_api_calls as prune

    return prune()
