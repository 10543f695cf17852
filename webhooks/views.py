from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from webhooks.services import Rejected, event_receive, refuse_oversized


@csrf_exempt  # authenticated by the webhook signature, not a session
@require_POST
def bigcommerce(request, connection_id):
    try:
        refuse_oversized(_declared_length(request))  # before request.body reads it
        event_receive(
            connection_id=connection_id,
            body=request.body,
            headers=request.headers,
            remote_addr=request.META.get("REMOTE_ADDR", ""),
        )
    except Rejected as rejected:
        return JsonResponse({"error": rejected.message}, status=rejected.status)
    return JsonResponse({"status": "accepted"})


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # as Django reads it: no body
