from django.urls import path

from connectors.myob import views

urlpatterns = [
    path("connect/callback/", views.connect_callback, name="myob-connect-callback"),
    path("connect/<uuid:pk>/", views.connect_start, name="myob-connect"),
    path("connect/<uuid:pk>/company-file/", views.company_file, name="myob-company-file"),
    path("connect/<uuid:pk>/mappings/", views.mappings, name="myob-mappings"),
]
