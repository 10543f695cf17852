from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView

from connectors.registry import ERP_KINDS
from tenants.admin_site import admin_urls


def erp_urls() -> list:
    """Each ERP's own pages (sign-in, pickers, mappings) at /<kind>/, namespace <kind>; a prefix
    it was served at before redirects there, query string and all."""
    found = []
    for kind, spec in ERP_KINDS.items():
        if spec.urls is None:
            continue
        found.append(path(f"{kind}/", include((spec.urls, kind), namespace=kind)))
        moved = RedirectView.as_view(url=f"/{kind}/%(rest)s", query_string=True)
        found += [path(f"{old}/<path:rest>", moved) for old in spec.moved_from]
    return found


urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", include("tenants.account_urls")),  # password reset, invitation links
    path("admin/", admin_urls()),
    path("webhooks/", include("webhooks.urls")),
    *erp_urls(),
    path("api/", include(("config.api_urls", "api"))),
]

if settings.SANDBOX_ENABLED:
    urlpatterns.append(path("sandbox/", include("sandbox.urls")))
