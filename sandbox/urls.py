"""Each installed sandbox system at /sandbox/<its package name>/: an ERP's at /sandbox/<kind>/.
A system served at other addresses too (Business Central's Entra ID at /sandbox/entra/ and its
API at /sandbox/bc/) names them in its urls module: MOUNTS = {"entra": [patterns…]}."""

from importlib import import_module

from django.conf import settings
from django.urls import include, path

from sandbox.installed import installed_sandbox_apps

urlpatterns = []
for name, app in installed_sandbox_apps(settings.INSTALLED_APPS, having="urls").items():
    urlpatterns.append(path(f"{name}/", include(f"{app}.urls")))
    for prefix, patterns in getattr(import_module(f"{app}.urls"), "MOUNTS", {}).items():
        urlpatterns.append(path(f"{prefix}/", include(patterns)))
