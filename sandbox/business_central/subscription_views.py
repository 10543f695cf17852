"""`api/v2.0/subscriptions` on the sandbox BC's API (views.ENVIRONMENT_RESOURCES): the
collection (GET, POST) and one subscription `subscriptions('<id>')` (GET, PATCH, DELETE), after
the API's gate like every other call. The rules are in subscriptions.py."""

from django.http import HttpResponse, JsonResponse
from django.utils.http import http_date

from sandbox.business_central import clock, subscriptions
from sandbox.business_central.errors import BcError, no_resource
from sandbox.business_central.writes import body_of


def _key(key: str) -> str:
    key = key.strip()
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] == "'" else key


def _entity(call, subscription, status: int = 200) -> JsonResponse:
    body = {"@odata.context": call.context("subscriptions/$entity"),
            **subscriptions.as_entity(subscription)}  # fmt: skip
    response = JsonResponse(body, status=status)
    response["ETag"] = body["@odata.etag"]
    return response


def _not_allowed(call) -> BcError:
    return BcError(405, "BadRequest_MethodNotAllowed",
                   f"'{call.request.method}' requests for 'subscriptions' are not allowed "
                   "within Dynamics 365 Business Central OData web services.")  # fmt: skip


def subscriptions_resource(call, key, rest):
    response = _answer(call, key, rest)
    # BC's own time (the sandbox clock), as a subscriber reads it to count down an expiry.
    response["Date"] = http_date(clock.now().timestamp())
    return response


def _answer(call, key, rest):
    request, environment = call.request, call.environment
    if rest:
        raise no_resource(request.build_absolute_uri())
    if key is None:
        if request.method == "GET":
            rows = [
                subscriptions.as_entity(s) for s in subscriptions.subscription_list(environment)
            ]
            return JsonResponse({"@odata.context": call.context("subscriptions"), "value": rows})
        if request.method == "POST":
            created = subscriptions.subscription_create(
                environment, getattr(call, "app", None), body_of(request)
            )
            return _entity(call, created, 201)
        raise _not_allowed(call)
    subscription_id = _key(key)
    if_match = request.headers.get("If-Match", "")
    if request.method == "GET":
        return _entity(call, subscriptions.subscription_get(environment, subscription_id))
    if request.method == "PATCH":
        renewed = subscriptions.subscription_renew(
            environment, subscription_id, body_of(request), if_match
        )
        return _entity(call, renewed)
    if request.method == "DELETE":
        subscriptions.subscription_delete(environment, subscription_id, if_match)
        return HttpResponse(status=204)
    raise _not_allowed(call)
