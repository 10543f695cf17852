"""`Idempotency-Key` on the API's POST actions: a repeat gets the first answer and does nothing new.

Kept in the database, not the cache: the promise "a repeated replay does nothing new" must survive
a Redis eviction or restart, the unique constraint settles two concurrent first requests without a
lock service, and the embedded mode (file cache) gets the same guarantee. A key is claimed in its
own short transaction before the action runs, so the action keeps its own transactions (and its
outside calls) exactly as the admin runs them; a concurrent repeat sees the claim and gets 409.

Keys belong to one caller within one tenant: each API token, and each signed-in person, has its own,
so two scripts of a tenant that both count their keys from 1 never get each other's answers.
"""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions, status
from rest_framework.response import Response

from tenants.models import ApiToken, IdempotencyKey

HEADER = "Idempotency-Key"
TTL = timedelta(hours=24)
# A claim with no answer after this long belongs to a request that died: the key is free again.
ABANDONED_AFTER = timedelta(minutes=10)
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"  # visible ASCII, no spaces
_KEY_RE = re.compile(KEY_PATTERN)


class IdempotencyInProgress(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "A request with this Idempotency-Key is still running; retry shortly."
    default_code = "idempotency_in_progress"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was used for a different request; use a new key."
    default_code = "idempotency_key_reused"


def _fingerprint(request) -> str:
    what = {"query": sorted(request.query_params.lists()), "body": request.data}
    text = json.dumps(what, sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def _caller(request) -> str:
    if isinstance(request.auth, ApiToken):
        return f"token:{request.auth.pk}"
    return f"user:{request.user.pk}"


def _claim(*, tenant_id: int, key: str, request) -> IdempotencyKey | Response:
    """A new claim on the key, or the stored answer of the request that made it."""
    now = timezone.now()
    ident = {
        "tenant_id": tenant_id, "caller": _caller(request), "key": key,
        "method": request.method, "path": request.path,
    }  # fmt: skip
    fingerprint = _fingerprint(request)
    IdempotencyKey.objects.filter(tenant_id=tenant_id, expires_at__lt=now).delete()
    for _ in range(3):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(
                    **ident, request_hash=fingerprint, expires_at=now + TTL
                )
        except IntegrityError:
            pass
        existing = IdempotencyKey.objects.filter(**ident).first()
        if existing is None:  # released between our insert and this read
            continue
        if existing.status_code is None and existing.created_at < now - ABANDONED_AFTER:
            IdempotencyKey.objects.filter(pk=existing.pk, status_code__isnull=True).delete()
            continue
        if existing.request_hash != fingerprint:
            raise IdempotencyKeyReused
        if existing.status_code is None:
            raise IdempotencyInProgress
        return Response(
            json.loads(existing.response_body),
            status=existing.status_code,
            headers={"Idempotent-Replayed": "true"},
        )
    raise IdempotencyInProgress


def idempotent(request, *, tenant_id: int, run: Callable[[], Response]) -> Response:
    """Run `run()` once per key. Call it after permission checks, so a stored answer is only ever
    replayed to a caller who may act on the same tenant's object."""
    key = request.headers.get(HEADER)
    if key is None:
        return run()
    if not _KEY_RE.match(key):
        raise exceptions.ValidationError(
            {HEADER: ["Use 1 to 255 visible ASCII characters, e.g. a UUID."]}
        )
    claim = _claim(tenant_id=tenant_id, key=key, request=request)
    if isinstance(claim, Response):
        return claim
    try:
        response = run()
    except BaseException:
        claim.delete()  # nothing was promised: a retry with the same key may run
        raise
    if not status.is_success(response.status_code):
        claim.delete()
        return response
    IdempotencyKey.objects.filter(pk=claim.pk).update(
        status_code=response.status_code,
        response_body=json.dumps(response.data, cls=DjangoJSONEncoder),
    )
    return response
