"""The change-notification receiver's address: public (BC sends no credentials), proven per
notification by the connection's clientState (connectors/business_central/notifications.py)."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from connectors.business_central.notifications import (
    MAX_BODY_BYTES,
    Refused,
    handshake_answer,
    notifications_receive,
)

ACCEPTED = 202


@csrf_exempt  # BC sends no session; each notification carries the clientState instead
@require_http_methods(["GET", "POST"])
def notifications(request, connection_id):
    """`?validationToken=…` (the handshake, on create and on every renewal; its method is
    UNCONFIRMED, so GET and POST both work): 200 text/plain with the token. A POST of
    notifications: stored, then 202."""
    try:
        if "validationToken" in request.GET:
            token = handshake_answer(connection_id, request.GET["validationToken"])
            return HttpResponse(token, content_type="text/plain; charset=utf-8")
        if request.method != "POST":
            return JsonResponse({"error": "POST notifications here."}, status=405)
        if _declared_length(request) > MAX_BODY_BYTES:
            # Read, it would be refused with a 400 by Django's upload limit, and any 4xx makes
            # BC delete our subscriptions: answered unread, the poll reads those changes.
            return JsonResponse({"status": "not read: too large, left to the poll"},
                                status=ACCEPTED)  # fmt: skip
        notifications_receive(
            connection_id=connection_id, body=request.body,
            remote_addr=request.META.get("REMOTE_ADDR", ""),
        )  # fmt: skip
    except Refused as refused:
        return JsonResponse({"error": refused.message}, status=refused.status)
    return JsonResponse({"status": "accepted"}, status=ACCEPTED)


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
