from django.urls import path, re_path

from sandbox.exact_online import oauth, views

urlpatterns = [
    path("api/oauth2/auth", oauth.authorize, name="sandbox-exact-online-authorize"),
    path("api/oauth2/token", oauth.token, name="sandbox-exact-online-token"),
    path("api/v1/current/Me", views.current_me, name="sandbox-exact-online-me"),
    re_path(r"^api/v1/(?P<division>\d+)/(?P<path>.+)$", views.resource),
]
