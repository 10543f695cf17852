from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from webhooks.services import Rejected, event_receive


@csrf_exempt  # authenticated by the webhook signature, not a session
@require_POST
def bigcommerce(request, connection_id):
    try:
        event_receive(
            connection_id=connection_id,
            body=request.body,
            headers=request.headers,
            remote_addr=request.META.get("REMOTE_ADDR", ""),
        )
    except Rejected as rejected:
        return JsonResponse({"error": rejected.message}, status=rejected.status)
    return JsonResponse({"status": "accepted"})
