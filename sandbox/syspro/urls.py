"""The sandbox SYSPRO's addresses, under /sandbox/syspro/: e.net's REST service at
SYSPROWCFService/Rest/<method> (any case), the
OData service at odata/<CompanyId>/<table>, a document's page at
document/<CompanyId>/order|invoice/<number>/."""

from django.urls import path, re_path

from sandbox.syspro import odata_views, pages, views

urlpatterns = [
    path(
        "document/<str:company_id>/<str:kind>/<str:number>/",
        pages.document,
        name="sandbox-syspro-document",
    ),
    path("odata/<str:company_id>/<str:name>", odata_views.entity_set, name="sandbox-syspro-odata"),
    # The service's name in any case (views.rest checks it): an inline (?i) flag would break
    # Django's reverse().
    re_path(r"^(?P<service>[^/]+/[^/]+)/(?P<rest>.*)$", views.rest, name="sandbox-syspro-rest"),
]
