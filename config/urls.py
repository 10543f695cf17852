from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView

from tenants.admin_site import admin_urls

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", include("tenants.account_urls")),  # password reset, invitation links
    path("admin/", admin_urls()),
    path("webhooks/", include("webhooks.urls")),
    path("myob/", include("connectors.myob.urls")),  # 'Connect MYOB' (OAuth) and its settings
    path("exact/", include("connectors.exact_online.urls")),  # 'Connect Exact Online'
    path("api/", include(("config.api_urls", "api"))),
]

if settings.SANDBOX_ENABLED:
    urlpatterns.append(path("sandbox/", include("sandbox.urls")))
