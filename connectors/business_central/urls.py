from django.urls import path

from connectors.business_central import notify_views
from connectors.business_central.views import PAGES

app_name = "business_central"
urlpatterns = [
    # The company picker and the document settings; no 'Connect' pages (the app signs itself in).
    *(p for p in PAGES.urlpatterns() if p.name in ("picker", "mappings")),
    # Business Central's change notifications for one connection: public, clientState-checked.
    path("notifications/<uuid:connection_id>/", notify_views.notifications, name="notifications"),
]
