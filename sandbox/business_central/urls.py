"""The sandbox Business Central's addresses: Entra ID at /sandbox/entra/<tenant>/… and the API
at /sandbox/bc/v2.0/<tenant>/<environment>/api/v2.0/…, a document's page at
/sandbox/bc/document/<company>/<entity set>/<id>/ (MOUNTS, which sandbox/urls.py mounts);
nothing is served at /sandbox/business_central/ itself yet."""

from django.urls import path, re_path

from sandbox.business_central import entra, pages, views

urlpatterns = []

ENTRA = [
    path("common/discovery/instance", entra.instance_discovery, name="sandbox-entra-instances"),
    path("<str:tenant>/v2.0/.well-known/openid-configuration", entra.discovery,
         name="sandbox-entra-discovery"),
    path("<str:tenant>/oauth2/v2.0/token", entra.token, name="sandbox-entra-token"),
]  # fmt: skip

API = [
    path("document/<uuid:company>/<str:entity_set>/<uuid:record_id>/", pages.document,
         name="sandbox-bc-document"),
    re_path(r"^v2\.0/(?P<tenant>[^/]+)/(?P<environment>[^/]+)/api/v2\.0/(?P<rest>.*)$", views.api,
            name="sandbox-bc-api"),
]  # fmt: skip

MOUNTS = {"entra": ENTRA, "bc": API}
