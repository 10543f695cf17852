from django.urls import include, path

urlpatterns = [
    path("myob/", include("sandbox.myob.urls")),
    path("exact_online/", include("sandbox.exact_online.urls")),
    path("bigcommerce/", include("sandbox.bigcommerce.urls")),
]
