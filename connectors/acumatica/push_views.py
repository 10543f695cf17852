"""The push notification receiver's address: public, proven by the shared-secret header."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from connectors.acumatica.push import notification_receive, refuse_oversized
from webhooks.services import Rejected


@csrf_exempt  # authenticated by the shared-secret header, not a session
@require_POST
def notification(request, connection_id):
    try:
        refuse_oversized(_declared_length(request))  # before request.body reads it
        notification_receive(
            connection_id=connection_id, body=request.body, headers=request.headers,
            remote_addr=request.META.get("REMOTE_ADDR", ""),
        )  # fmt: skip
    except Rejected as rejected:
        return JsonResponse({"error": rejected.message}, status=rejected.status)
    return JsonResponse({"status": "accepted"})


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
