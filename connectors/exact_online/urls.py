from django.urls import path

from connectors.exact_online import views

urlpatterns = [
    path("connect/callback/", views.connect_callback, name="exact-connect-callback"),
    path("connect/<uuid:pk>/", views.connect_start, name="exact-connect"),
    path("connect/<uuid:pk>/division/", views.division, name="exact-division"),
    path("connect/<uuid:pk>/mappings/", views.mappings, name="exact-mappings"),
]
