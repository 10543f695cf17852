"""/api/v1/events/: webhooks as they arrived, and handing one to the pipeline again."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from tenants.api_viewsets import ScopedViewSet
from tenants.idempotency import idempotent
from webhooks.filters import InboundEventFilter
from webhooks.selectors import event_list
from webhooks.serializers import InboundEventDetailSerializer, InboundEventSerializer
from webhooks.services import event_redispatch


class InboundEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Inbound webhook events, stored before anything else happens."""

    serializer_class = InboundEventSerializer
    filterset_class = InboundEventFilter

    def scoped_queryset(self, scope):
        return event_list(scope=scope)

    @extend_schema(responses=InboundEventDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(InboundEventDetailSerializer(self.get_object()).data)

    @extend_schema(request=None, responses={202: InboundEventSerializer})
    @action(detail=True, methods=["post"])
    def redispatch(self, request, pk=None):
        """Handle the event again (e.g. after fixing a mapping)."""
        event = self.get_object()

        def run():
            event_redispatch(event=event)
            event.refresh_from_db()
            return Response(InboundEventSerializer(event).data, status=status.HTTP_202_ACCEPTED)

        return idempotent(request, tenant_id=event.tenant_id, run=run)
