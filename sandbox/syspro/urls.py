"""The sandbox SYSPRO's addresses, under /sandbox/syspro/: e.net's REST service at
SYSPROWCFService/Rest/<method> (any case)."""

from django.urls import re_path

from sandbox.syspro import views

urlpatterns = [
    # The service's name in any case (views.rest checks it): an inline (?i) flag would break
    # Django's reverse().
    re_path(r"^(?P<service>[^/]+/[^/]+)/(?P<rest>.*)$", views.rest, name="sandbox-syspro-rest"),
]
