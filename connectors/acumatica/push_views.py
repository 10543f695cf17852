"""The push notification receiver's address (public, proven by the shared-secret header) and
the page saying what to paste into Acumatica."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from connectors.acumatica.push import (
    KIND,
    notification_receive,
    push_setup,
    refuse_oversized,
    secret_rotate,
)
from connectors.oauth_connect import connection_to_set_up
from connectors.setup_page import render_setup_page
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


RECENT = 10  # notifications listed on the page


@staff_member_required
@require_http_methods(["GET", "POST"])
def push_settings(request, pk):
    """What to paste into Acumatica's Push Notifications screen; POST: a new header value. Both
    for someone who may change the connection (the header value is a secret)."""
    connection = connection_to_set_up(request, pk, erp_kind=KIND)
    if request.method == "POST":
        secret_rotate(connection)
        messages.success(request, "A new header value: paste it into Acumatica (SM302000).")
        return HttpResponseRedirect(reverse("acumatica:push-settings", args=[connection.pk]))
    recent = connection.acumatica_notifications.order_by("-received_at", "-id")[:RECENT]
    return render_setup_page(request, "connectors_acumatica/push_notifications.html", {
        "connection": connection, "setup": push_setup(connection), "recent": recent,
        "title": "Acumatica push notifications",
    })  # fmt: skip
