"""/api/v1/calls/: every outside call, as sent and answered, with secrets removed."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.response import Response

from audit.filters import ApiCallFilter
from audit.selectors import api_call_for_display, api_call_list
from audit.serializers import ApiCallDetailSerializer, ApiCallSummarySerializer
from tenants.api_viewsets import ScopedViewSet


class ApiCallViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Every outside call, as sent and answered, with secrets removed."""

    serializer_class = ApiCallSummarySerializer
    filterset_class = ApiCallFilter

    def scoped_queryset(self, scope):
        return api_call_list(scope=scope)

    @extend_schema(responses=ApiCallDetailSerializer)
    def retrieve(self, request, pk=None):
        """One call with its headers and bodies (redacted)."""
        call = api_call_for_display(self.get_object())
        return Response(ApiCallDetailSerializer(call).data)
