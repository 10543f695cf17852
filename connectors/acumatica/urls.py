from django.urls import path

from connectors.acumatica import push_views

app_name = "acumatica"
urlpatterns = [
    # Acumatica's push notifications (SM302000) for one connection: public, secret-checked.
    path("push/<uuid:connection_id>/", push_views.notification, name="push"),
]
