from django.urls import path

from webhooks import views

urlpatterns = [
    path("bigcommerce/<uuid:connection_id>/", views.bigcommerce, name="webhook-bigcommerce"),
]
