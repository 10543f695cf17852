"""A stand-in for Slack's incoming webhooks (https://hooks.slack.com/services/T…/B…/…): a JSON
body with "text" is answered 200 "ok" in plain text, anything else 400 "invalid_payload", as
Slack does. Any other path records the post the same way, so it also stands in for a tenant's
own receiver of our signed webhooks."""

import json

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from sandbox.slack.models import SlackFault, SlackPost

KEPT_HEADERS = ("content-type", "webhook-id", "webhook-timestamp", "webhook-signature")


@csrf_exempt
@require_POST
def receive(request, hook: str):
    body = request.body.decode("utf-8", "replace")
    fault = SlackFault.objects.filter(hook=hook).first()
    if fault is not None:
        status, answer = fault.status, fault.body
    elif hook.startswith("services/") and not _has_text(body):
        status, answer = 400, "invalid_payload"
    else:
        status, answer = 200, "ok"
    headers = {k: v for k, v in request.headers.items() if k.lower() in KEPT_HEADERS}
    SlackPost.objects.create(hook=hook, headers=headers, body=body, status=status)
    return HttpResponse(answer, status=status, content_type="text/plain")


def _has_text(body: str) -> bool:
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and bool(data.get("text") or data.get("blocks"))


@require_GET
def posts(request):
    """The last 50 posts, newest first: what the demo's alerts said."""
    latest = SlackPost.objects.order_by("-id")[:50]
    return JsonResponse(
        {
            "posts": [
                {"hook": p.hook, "status": p.status, "received_at": p.received_at, "body": p.body}
                for p in latest
            ]
        }
    )
