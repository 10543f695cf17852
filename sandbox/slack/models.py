from django.db import models


class SlackPost(models.Model):
    """One POST as the stand-in received it (Slack's incoming webhooks, or a tenant's own
    receiver of our signed webhooks), kept for tests and the demo to read."""

    hook = models.CharField(max_length=300, db_index=True)  # the path after /sandbox/slack/
    headers = models.JSONField(default=dict)
    body = models.TextField()
    status = models.PositiveSmallIntegerField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"POST {self.hook} → {self.status}"


class SlackFault(models.Model):
    """Tell the stand-in to refuse posts to one hook, as Slack does for a removed hook (404
    no_service) or an outage (500)."""

    hook = models.CharField(max_length=300, unique=True)
    status = models.PositiveSmallIntegerField(default=500)
    body = models.CharField(max_length=100, default="rollup_error")

    def __str__(self):
        return f"{self.hook} answers {self.status}"
