"""People join a tenant by accepting an invitation e-mailed to them: an owner's invitation grants
nothing until the person who reads that mailbox follows the link and says yes. The link works
once, expires, and can be withdrawn (or replaced by a newer invitation)."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tenants.invitations import invitation_create
from tenants.models import Invitation, Membership, Role
from tests.factories import UserFactory

PASSWORD = "a long walk to the ledger"


def link_in(message) -> str:
    """The path of the invitation link in an e-mail."""
    return re.search(r"https?://[^/\s]+(/admin/invitation/[^\s]+/)", message.body).group(1)


def invite(client, owner, tenant, email, role="viewer"):
    client.force_login(owner)
    return client.post(
        reverse("admin:tenants_invitation_add"), {"email": email, "tenant": tenant.pk, "role": role}
    )


@pytest.fixture
def invited(tenant, owner, django_capture_on_commit_callbacks):
    """An invitation of a person with no account yet, and the path of its e-mailed link."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            tenant=tenant, email="new.person@acme.test", role=Role.ADMIN, invited_by=owner
        )
    return invitation, link_in(mail.outbox[-1])


@pytest.mark.django_db
def test_an_owner_invites_by_email_and_it_grants_nothing_until_accepted(
    client, owner, tenant, outsider, django_capture_on_commit_callbacks
):
    # charlie already has an account (owner of Globex): an invitation does not attach him.
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, owner, tenant, "Charlie@Globex.test", role="admin")
    assert response.status_code == 302
    assert not Membership.objects.filter(user=outsider, tenant=tenant).exists()
    (message,) = mail.outbox
    assert message.to == ["charlie@globex.test"]
    assert "Acme Outdoor" in message.subject and "alice@acme.test" in message.body
    listing = client.get(reverse("admin:tenants_invitation_changelist"), {"state": "pending"})
    assert "charlie@globex.test" in listing.content.decode()

    # Only when charlie, signed in, accepts through the link is he a member.
    client.force_login(outsider)
    link = link_in(message)
    page = client.get(link).content.decode()
    assert "Join Acme Outdoor" in page
    assert not Membership.objects.filter(user=outsider, tenant=tenant).exists()
    assert client.post(link).status_code == 302
    membership = Membership.objects.get(user=outsider, tenant=tenant)
    assert membership.role == "admin"
    assert Invitation.objects.get().accepted_by == outsider


@pytest.mark.django_db
def test_a_new_person_sets_a_password_and_joins(client, tenant, invited):
    _, link = invited
    page = client.get(link).content.decode()
    assert "Choose a password to accept" in page and "new.person@acme.test" in page
    assert not get_user_model().objects.filter(username="new.person@acme.test").exists()
    response = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    user = get_user_model().objects.get(username="new.person@acme.test")
    assert user.check_password(PASSWORD) and user.is_staff
    assert Membership.objects.get(user=user).role == "admin"
    assert client.get(reverse("admin:index")).status_code == 200  # signed in
    client.logout()
    assert client.login(username="new.person@acme.test", password=PASSWORD)


@pytest.mark.django_db
def test_a_weak_password_is_refused_with_the_reason(client, invited):
    _, link = invited
    page = client.post(link, {"new_password1": "password", "new_password2": "password"})
    assert page.status_code == 200
    assert "This password is too common." in page.content.decode()
    assert not Membership.objects.filter(user__username="new.person@acme.test").exists()


@pytest.mark.django_db
def test_someone_with_a_password_signs_in_first(
    client, tenant, owner, outsider, django_capture_on_commit_callbacks
):
    outsider.set_password(PASSWORD)
    outsider.save()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(tenant=tenant, email=outsider.email, role=Role.VIEWER, invited_by=owner)
    link = link_in(mail.outbox[-1])
    page = client.get(link).content.decode()
    assert "Sign in to accept" in page and f"?next={link}" in page
    # Choosing a password through the link is not offered to an account that has one.
    client.post(link, {"new_password1": "hijacked pw 123!", "new_password2": "hijacked pw 123!"})
    outsider.refresh_from_db()
    assert outsider.check_password(PASSWORD)
    assert not Membership.objects.filter(user=outsider, tenant=tenant).exists()


@pytest.mark.django_db
def test_another_signed_in_account_cannot_accept(client, member, invited, tenant):
    _, link = invited
    client.force_login(member)
    page = client.get(link).content.decode()
    assert "You are signed in as bob@acme.test, not as the invited address" in page
    client.post(link)
    assert not Membership.objects.filter(user__username="new.person@acme.test").exists()
    assert Membership.objects.get(user=member).role == "viewer"


@pytest.mark.django_db
def test_a_withdrawn_invitation_grants_nothing(client, owner, invited):
    invitation, link = invited
    client.force_login(owner)
    client.post(
        reverse("admin:tenants_invitation_changelist"),
        {"action": "withdraw_selected", "_selected_action": [invitation.pk]},
    )
    client.logout()
    page = client.get(link).content.decode()
    assert "This invitation was withdrawn" in page
    client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert not get_user_model().objects.filter(username="new.person@acme.test").exists()


@pytest.mark.django_db
def test_an_expired_link_and_a_used_link_say_so(client, invited):
    invitation, link = invited
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    assert "This invitation has expired" in client.get(link).content.decode()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + timedelta(days=1)
    )
    client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    client.logout()
    assert "already been accepted" in client.get(link).content.decode()
    unknown = reverse("invitation_accept", args=["no-such-invitation"])
    assert "This invitation link is not valid" in client.get(unknown).content.decode()


@pytest.mark.django_db
def test_a_new_invitation_replaces_the_pending_one(
    client, owner, tenant, invited, django_capture_on_commit_callbacks
):
    _, first_link = invited
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, owner, tenant, "new.person@acme.test")
    client.logout()
    assert "withdrawn, or replaced by a newer one" in client.get(first_link).content.decode()
    assert "Choose a password" in client.get(link_in(mail.outbox[-1])).content.decode()


@pytest.mark.django_db
def test_inviting_a_member_again_is_refused_with_what_to_do(client, owner, member, tenant):
    response = invite(client, owner, tenant, member.email)
    assert response.status_code == 200
    assert "is already a member of Acme Outdoor" in response.content.decode()
    assert not Invitation.objects.exists() and not mail.outbox


@pytest.mark.django_db
def test_only_owners_invite_and_only_to_their_own_tenants(client, tenant, other_tenant, owner):
    admin_user = UserFactory(username="dave@acme.test")
    Membership.objects.create(user=admin_user, tenant=tenant, role=Role.ADMIN)
    client.force_login(admin_user)
    assert client.get(reverse("admin:tenants_invitation_add")).status_code == 403
    response = invite(client, owner, other_tenant, "mallory@acme.test")
    assert response.status_code == 200 and not Invitation.objects.exists()
