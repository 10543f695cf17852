from django.urls import path, re_path

from sandbox.acumatica import pages, views

VERSION = r"(?P<endpoint>[A-Za-z]+)/(?P<version>\d+\.\d+\.\d+)"

urlpatterns = [
    path("<slug:instance>/Main", pages.screen, name="sandbox-acumatica-screen"),
    path("<slug:instance>/entity", views.endpoints, name="sandbox-acumatica-endpoints"),
    path("<slug:instance>/entity/auth/login", views.login, name="sandbox-acumatica-login"),
    path("<slug:instance>/entity/auth/logout", views.logout, name="sandbox-acumatica-logout"),
    path("<slug:instance>/identity/connect/token", views.identity_views,
         {"which": "token"}, name="sandbox-acumatica-token"),
    path("<slug:instance>/identity/connect/authorize", views.identity_views,
         {"which": "authorize"}, name="sandbox-acumatica-authorize"),
    path("<slug:instance>/identity/.well-known/openid-configuration", views.identity_views,
         {"which": "discovery"}, name="sandbox-acumatica-discovery"),
    re_path(rf"^(?P<instance>[-\w]+)/entity/{VERSION}/swagger\.json$", views.swagger),
    re_path(rf"^(?P<instance>[-\w]+)/entity/{VERSION}/(?P<rest>.+)$", views.api),
]  # fmt: skip
