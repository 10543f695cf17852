"""/api/v1/jobs/ and /runs/: what happened to each record, replay, and the long work people start."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from sync.filters import BulkRunFilter, SyncJobFilter
from sync.replay import bulk_replay_start, job_replay
from sync.selectors import bulk_run_list, job_detail_calls, job_list
from sync.serializers import (
    BulkReplaySerializer,
    BulkRunSerializer,
    JobReplaySerializer,
    SyncJobDetailSerializer,
    SyncJobSerializer,
)
from tenants.api_viewsets import ScopedViewSet
from tenants.idempotency import idempotent


class SyncJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Sync jobs: one record (an order, a customer) moving from BigCommerce into the ERP."""

    serializer_class = SyncJobSerializer
    filterset_class = SyncJobFilter

    def scoped_queryset(self, scope):
        return job_list(scope=scope)

    @extend_schema(responses=SyncJobDetailSerializer)
    def retrieve(self, request, pk=None):
        """A job with its attempts and the outside calls it made."""
        job = self.get_object()
        context = {**self.get_serializer_context(), "api_calls": job_detail_calls(job)}
        return Response(SyncJobDetailSerializer(job, context=context).data)

    @extend_schema(request=None, responses={202: JobReplaySerializer})
    @action(detail=True, methods=["post"])
    def replay(self, request, pk=None):
        """Run the job again from a fresh fetch. A job already waiting or running is left alone."""
        job = self.get_object()

        def run():
            queued = job_replay(job=job)
            job.refresh_from_db()
            body = JobReplaySerializer({"queued": queued, "job": job}).data
            return Response(body, status=status.HTTP_202_ACCEPTED)

        return idempotent(request, tenant_id=job.tenant_id, run=run)

    @extend_schema(request=None, responses={202: BulkReplaySerializer}, filters=True)
    @action(detail=False, methods=["post"], url_path="bulk-replay")
    def bulk_replay(self, request):
        """Replay every failed job matching the same filters as the list, in the background.
        Returns how many were queued and the run to follow (/api/v1/runs/<id>/)."""
        jobs = self.filter_queryset(self.get_queryset())  # validates every filter first
        tenant = self.target_tenant(request.query_params.get("tenant"))
        jobs = jobs.filter(tenant=tenant)

        def run():
            started = bulk_replay_start(jobs=jobs, tenant_id=tenant.pk, user=self.scope.user)
            body = {"count": started.total, "run": started}
            return Response(BulkReplaySerializer(body).data, status=status.HTTP_202_ACCEPTED)

        return idempotent(request, tenant_id=tenant.pk, run=run)


class BulkRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Long work a person started (bulk replays, backfills) and how far it has got."""

    serializer_class = BulkRunSerializer
    filterset_class = BulkRunFilter

    def scoped_queryset(self, scope):
        return bulk_run_list(scope=scope)
