"""The REST API under /api/: v1 resources, the OpenAPI schema and its documentation pages."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from audit.apis import ApiCallViewSet
from config.api_docs import RedocView, SwaggerUiView
from config.api_errors import error_body
from sync.apis import BulkRunViewSet, SyncJobViewSet
from sync.failure_apis import FailureGroupViewSet
from tenants.apis import ConnectionViewSet
from webhooks.apis import InboundEventViewSet


class ApiRouter(DefaultRouter):
    include_format_suffixes = False  # JSON only: one URL per resource, no ".json" twins


router = ApiRouter()
router.register("connections", ConnectionViewSet, basename="connection")
router.register("events", InboundEventViewSet, basename="event")
router.register("jobs", SyncJobViewSet, basename="job")
router.register("calls", ApiCallViewSet, basename="call")
router.register("runs", BulkRunViewSet, basename="run")
router.register("failures", FailureGroupViewSet, basename="failure")


@csrf_exempt  # it changes nothing; a POST to a mistyped path is a 404, not a CSRF 403
def not_found(request, *args, **kwargs):
    """Unknown API paths answer in the API's error shape, not with the HTML 404 page."""
    return JsonResponse(error_body("not_found", "No such API endpoint."), status=404)


urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("schema/swagger/", SwaggerUiView.as_view(url_name="api:schema"), name="swagger"),
    path("schema/redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(r"^[\s\S]*$", not_found),  # any character, newlines too
]
