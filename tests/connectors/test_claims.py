"""The find-or-create claim: one holder per (connection, customer identity), given back after the
block, taken over from a holder that died, and never held across HTTP calls as a lock. On
PostgreSQL and on SQLite."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connectors.errors import TransientError
from sync.claims import ClaimBusy, claim_take, find_or_create_claim, identity_of
from sync.models import FindOrCreateClaim
from tests.support.orders import customer

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def test_the_identity_is_the_lower_cased_email_else_the_store_id_and_a_bare_guest_has_none():
    assert identity_of(customer(source_id="7", email="Ada@Example.COM ")) == "ada@example.com"
    assert identity_of(customer(source_id="7", email="")) == "bc:7"
    assert identity_of(customer(source_id="guest:", email="")) is None


def test_one_holder_at_a_time_until_it_gives_the_claim_back(connection):
    ada = customer(email="ada@example.com")
    with find_or_create_claim(connection, ada):
        key = f"{connection.pk}:ada@example.com"
        assert not claim_take(key, "another-job")  # held: the other job waits
        same_shopper = customer(email="ADA@example.com")
        with (
            pytest.raises(ClaimBusy) as caught,
            find_or_create_claim(connection, same_shopper, wait=0.2),
        ):
            pass
        # A wait, not a failure: the job goes back to the queue.
        assert isinstance(caught.value, TransientError) and not caught.value.permanent
        assert "not created twice" in caught.value.message
    assert not FindOrCreateClaim.objects.exists()  # given back in `finally`
    with find_or_create_claim(connection, ada, wait=0.2):  # at once, no wait
        pass


def test_a_claim_whose_holder_died_is_taken_over_once_it_lapses(connection):
    key = f"{connection.pk}:ada@example.com"
    FindOrCreateClaim.objects.create(
        key=key, holder="dead-worker", expires_at=timezone.now() - timedelta(seconds=1)
    )
    with find_or_create_claim(connection, customer(email="ada@example.com"), wait=0.2):
        assert FindOrCreateClaim.objects.get(key=key).holder != "dead-worker"
        assert not claim_take(key, "a-third-job")  # the new holder's lease is live


def test_other_shoppers_and_other_connections_do_not_wait(connection, other_connection):
    with find_or_create_claim(connection, customer(email="ada@example.com")):
        with find_or_create_claim(connection, customer(email="bob@example.com"), wait=0.2):
            pass
        with find_or_create_claim(other_connection, customer(email="ada@example.com"), wait=0.2):
            pass


def test_a_claim_held_by_a_run_that_lost_its_lease_is_free_at_once(connection):
    """A worker killed (or frozen) mid find-or-create: its job goes to another worker once the
    run's lease lapses, and that worker must not wait out the claim's own expiry."""
    from sync.models import SyncJob

    job = SyncJob.objects.create(
        connection=connection, tenant=connection.tenant, kind="order", source_id="1",
        state="running", lease_owner="the-run", lease_expires_at=timezone.now() + timedelta(seconds=20),
    )  # fmt: skip
    key = f"{connection.pk}:ada@example.com"
    FindOrCreateClaim.objects.create(
        key=key, holder="its-claim", job_lease_owner="the-run",
        expires_at=timezone.now() + timedelta(seconds=60),
    )  # fmt: skip
    assert not claim_take(key, "another-job")  # the run is alive: its claim holds
    SyncJob.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert claim_take(key, "another-job")  # its lease lapsed: the claim is free now
    assert FindOrCreateClaim.objects.get(key=key).holder == "another-job"
