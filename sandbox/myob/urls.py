from django.urls import path, re_path

from sandbox.myob import oauth, pages, views

GUID = (
    r"(?P<business_id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
)

# pymyob ends every path with "/", the .NET SDK and our connector do not: both are accepted.
urlpatterns = [
    path(
        "document/<uuid:business_id>/<uuid:invoice_id>/",
        pages.document,
        name="sandbox-myob-document",
    ),
    re_path(r"^oauth2/account/authorize/?$", oauth.authorize, name="sandbox-myob-authorize"),
    re_path(r"^oauth2/v1/authorize/?$", oauth.token, name="sandbox-myob-token"),
    path("accountright/", views.company_files, name="sandbox-myob-files"),
    re_path(rf"^accountright/{GUID}/?$", views.company_file, name="sandbox-myob-file"),
    re_path(rf"^accountright/{GUID}/(?P<path>.+?)/?$", views.resource),
]
