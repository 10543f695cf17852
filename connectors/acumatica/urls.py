from django.urls import path

from connectors.acumatica import push_views
from connectors.acumatica.views import PAGES

app_name = "acumatica"
urlpatterns = [
    *PAGES.urlpatterns(),  # connect, connect-callback, picker (the version), mappings
    # Acumatica's push notifications (SM302000) for one connection: public, secret-checked.
    path("push/<uuid:connection_id>/", push_views.notification, name="push"),
    path("connect/<uuid:pk>/push/", push_views.push_settings, name="push-settings"),
]
