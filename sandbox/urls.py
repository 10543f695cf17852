"""Each installed sandbox system at /sandbox/<its package name>/: an ERP's at /sandbox/<kind>/."""

from django.conf import settings
from django.urls import include, path

from sandbox.installed import installed_sandbox_apps

urlpatterns = [
    path(f"{name}/", include(f"{app}.urls"))
    for name, app in installed_sandbox_apps(settings.INSTALLED_APPS, having="urls").items()
]
