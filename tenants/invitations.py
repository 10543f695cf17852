"""Invitations: how a person joins a tenant. An owner invites an e-mail address; the person who
reads that mailbox follows the link, sets a password if they have none (or signs in), and only
then becomes a member. The link carries 256 random bits and only their SHA-256 is stored (as for
API tokens); it works once, for INVITATION_VALID_FOR, and an owner can withdraw it."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tenants.models import Invitation, Membership, Role, Tenant

INVITATION_VALID_FOR = timedelta(days=7)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def user_with_email(email: str):
    """The account that signs in with `email` (usernames are e-mail addresses), if any."""
    users = get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email))
    return users.order_by("pk").first()


def invitation_is_for(invitation: Invitation, user) -> bool:
    """Whether `user` is the account of the invited address: nobody else may accept."""
    return user.is_authenticated and user_with_email(invitation.email) == user


def invitation_check(*, tenant: Tenant, email: str) -> None:
    """Raises ValidationError when inviting `email` to `tenant` makes no sense."""
    user = user_with_email(email)
    if user is not None and Membership.objects.filter(user=user, tenant=tenant).exists():
        raise ValidationError(
            f"{email} is already a member of {tenant}. To give them another role, open their "
            "membership (Tenants → Memberships) and change it there."
        )


def invitation_create(*, tenant: Tenant, email: str, role: str, invited_by=None) -> Invitation:
    """Invite `email` to `tenant` with `role` and e-mail them the link. An earlier invitation of
    theirs to this tenant still pending is withdrawn: only the newest link works."""
    email = email.strip().lower()
    invitation_check(tenant=tenant, email=email)
    value = secrets.token_urlsafe(32)
    with transaction.atomic():
        now = timezone.now()
        pending(tenant.invitations.filter(email=email)).update(withdrawn_at=now)
        invitation = Invitation.objects.create(
            tenant=tenant, email=email, role=Role(role), key_hash=_digest(value),
            invited_by=invited_by, expires_at=now + INVITATION_VALID_FOR,
        )  # fmt: skip
        transaction.on_commit(lambda: invitation_send(invitation=invitation, value=value))
    return invitation


def accept_url(value: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('invitation_accept', args=[value])}"


def invitation_send(*, invitation: Invitation, value: str) -> None:
    inviter = invitation.invited_by
    who = (
        f"{inviter.get_full_name() or inviter.email or inviter.username}" if inviter else "An owner"
    )
    send_mail(
        subject=f"[ml-connector] {who} invited you to {invitation.tenant}",
        message=(
            f"{who} invited you to join {invitation.tenant} on ml-connector as "
            f"{invitation.get_role_display()}.\n\n"
            "To accept, open this link (it works until "
            f"{invitation.expires_at:%d %B %Y, %H:%M} UTC):\n"
            f"{accept_url(value)}\n\n"
            "If you have no ml-connector password yet, you choose one there. If you did not "
            "expect this e-mail, ignore it: nothing changes unless the link is opened and the "
            "invitation accepted.\n"
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )


def pending(invitations):
    return invitations.filter(
        accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
    )


def invitation_for_link(value: str) -> Invitation | None:
    """The invitation a link's secret belongs to, in whatever state it is (None: no such link)."""
    if not value or len(value) > 100:
        return None
    found = Invitation.objects.select_related("tenant", "invited_by")
    return found.filter(key_hash=_digest(value)).first()


def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """`user`, who has shown they read the invited mailbox, becomes a member with the invited
    role. Raises ValidationError if the invitation is no longer pending or is for someone else."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.state != "pending":
            raise ValidationError(f"This invitation is {invitation.state}; it cannot be accepted.")
        if not invitation_is_for(invitation, user):
            raise ValidationError(f"This invitation is for {invitation.email}, not for {user}.")
        if not user.is_active:
            raise ValidationError(
                f"The account {invitation.email} is switched off; ask the platform's "
                "administrator to switch it on."
            )
        membership, _ = Membership.objects.update_or_create(
            user=user, tenant=invitation.tenant, defaults={"role": invitation.role}
        )
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        if not user.is_staff:
            user.is_staff = True  # members work in the admin
            user.save(update_fields=["is_staff"])
    return membership


def invitation_accept_with_password(*, invitation: Invitation, password: str):
    """Accept for a person with no usable password yet: make their account (or give the one
    they have a password), then accept. Returns the user, ready to be signed in."""
    with transaction.atomic():
        user = user_with_email(invitation.email)
        if user is None:
            user = get_user_model()(username=invitation.email, email=invitation.email)
        elif user.has_usable_password():
            raise ValidationError("This address already has a password: sign in to accept.")
        user.set_password(password)
        user.is_staff = True
        user.save()
        invitation_accept(invitation=invitation, user=user)
    return user


def invitation_withdraw(*, invitations) -> int:
    """Withdraw the pending ones among `invitations`; their links stop working at once."""
    return pending(invitations).update(withdrawn_at=timezone.now())
