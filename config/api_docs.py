"""The API's documentation pages, Swagger UI and Redoc, from our own static files (the
drf-spectacular-sidecar builds: no CDN, no web fonts, nothing fetched elsewhere), under a stricter
Content-Security-Policy than the admin's: they need no eval.

Swagger UI's start-up script is a separate response (the split view), not an inline <script>.
Redoc builds its search index in a Web Worker it starts from a blob: address."""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


@method_decorator(csp_replace({"script-src": [SELF]}), name="dispatch")
class SwaggerUiView(SpectacularSwaggerSplitView):
    pass


@method_decorator(
    csp_replace({"script-src": [SELF], "worker-src": [SELF, "blob:"]}), name="dispatch"
)
class RedocView(SpectacularRedocView):
    template_name = "api_docs/redoc.html"
