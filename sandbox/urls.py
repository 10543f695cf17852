from django.urls import include, path

urlpatterns = [
    path("myob/", include("sandbox.myob.urls")),
    path("exact/", include("sandbox.exact.urls")),
    path("bigcommerce/", include("sandbox.bigcommerce.urls")),
]
