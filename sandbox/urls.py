"""Each installed sandbox system at /sandbox/<its package name>/: an ERP's at /sandbox/<kind>/."""

from importlib.util import find_spec

from django.conf import settings
from django.urls import include, path

SANDBOX_APPS_PACKAGE = "sandbox."

urlpatterns = [
    path(f"{app.removeprefix(SANDBOX_APPS_PACKAGE)}/", include(f"{app}.urls"))
    for app in settings.INSTALLED_APPS
    if app.startswith(SANDBOX_APPS_PACKAGE) and find_spec(f"{app}.urls") is not None
]
