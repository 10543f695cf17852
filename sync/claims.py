"""One find-or-create at a time per (connection, customer identity), in every ERP.

Looking a customer up and then creating it is two HTTP calls: two jobs for the same new shopper
both find nothing and both create. The job takes a lease row first (a conditional INSERT, or an
UPDATE of a lapsed lease), does its find-or-create, and gives the row back; the others poll until
it is free. The lease outlives one find-or-create; a worker killed mid-way loses it when its
sync run's lease lapses (or after CLAIM_TTL outside a run). It is never held across a transaction,
so it works on PostgreSQL and SQLite alike.
"""

import secrets
import time
from contextlib import contextmanager
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from connectors.errors import Wait
from sync.lease import current_lease
from sync.models import FindOrCreateClaim, SyncJob

CLAIM_TTL = timedelta(seconds=60)  # longer than one find-or-create, rate waits included
POLL_EVERY = 0.05  # seconds
WAIT_AT_MOST = 15.0  # seconds; then the job goes back to the queue


class ClaimBusy(Wait):
    """Another job is finding or creating the same customer: this one waits its turn (a wait, not
    an attempt)."""


def identity_of(customer) -> str | None:
    """The lower-cased e-mail, else the BigCommerce customer id; None for a guest with neither."""
    email = (customer.email or "").strip().lower()
    if email:
        return email
    source_id = str(customer.source_id or "")
    if source_id and source_id != "0" and not source_id.startswith("guest:"):
        return f"bc:{source_id}"
    return None


def claim_take(key: str, holder: str) -> bool:
    now = timezone.now()
    run = current_lease()
    lease = {
        "holder": holder,
        "expires_at": now + CLAIM_TTL,
        "job_lease_owner": run.owner if run else "",
    }
    # A lapsed claim, or one whose sync run lost its lease (its worker died: the job goes to
    # another worker, which must not wait out CLAIM_TTL), is taken over; the condition makes
    # only one taker win.
    run_alive = SyncJob.objects.filter(
        lease_owner=OuterRef("job_lease_owner"), lease_expires_at__gt=now
    )
    abandoned = Q(expires_at__lte=now) | (~Q(job_lease_owner="") & ~Exists(run_alive))
    if FindOrCreateClaim.objects.filter(abandoned, key=key).update(**lease):
        return True
    try:
        with transaction.atomic():
            FindOrCreateClaim.objects.create(key=key, **lease)
    except IntegrityError:  # held by another job
        return False
    return True


@contextmanager
def find_or_create_claim(connection, customer, *, wait: float | None = None):
    """Hold the customer's lease while the block runs; raises ClaimBusy when another job keeps
    it longer than `wait` seconds (the job is re-queued, not failed)."""
    wait = WAIT_AT_MOST if wait is None else wait
    identity = identity_of(customer)
    if identity is None:
        yield
        return
    key, holder = f"{connection.pk}:{identity}", secrets.token_hex(16)
    deadline = time.monotonic() + wait
    while not claim_take(key, holder):
        if time.monotonic() >= deadline:
            raise ClaimBusy(
                "Another sync is creating or updating this customer in the ERP right now; this "
                "one waits its turn, so the customer is not created twice",
                retry_after=5,
            )
        time.sleep(POLL_EVERY)
    try:
        yield
    finally:
        FindOrCreateClaim.objects.filter(key=key, holder=holder).delete()
