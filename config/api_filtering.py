"""django-filter, strict about repeats: `?state=a&state=b` is refused, not read as "b"."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        repeated = [key for key, values in request.query_params.lists() if len(values) > 1]
        if repeated:
            raise exceptions.ValidationError(
                {key: ["Give this parameter at most once."] for key in repeated}
            )
        return super().filter_queryset(request, queryset, view)
