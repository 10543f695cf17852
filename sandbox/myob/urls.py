from django.urls import path

from sandbox.myob import oauth

urlpatterns = [
    path("oauth2/v1/authorize", oauth.token, name="sandbox-myob-token"),
]
