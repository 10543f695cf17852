"""Anyone who can use the admin sets a new password through a link e-mailed to them: the sign-in
page offers it, the e-mail arrives, the link sets the password once, and they sign in with it."""

import re

import pytest
from django.core import mail
from django.urls import reverse

NEW_PASSWORD = "ledger lines at dawn 42"


def reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/admin/reset/[^\s]+/)", message.body).group(1)


@pytest.mark.django_db
def test_the_sign_in_page_asks_for_an_email_address_and_offers_a_reset(client):
    html = client.get(reverse("admin:login")).content.decode()
    assert re.search(r"<label[^>]*for=\"id_username\"[^>]*>\s*Email address", html)
    assert f'href="{reverse("admin_password_reset")}"' in html
    page = client.get(reverse("admin_password_reset"))
    assert page.status_code == 200  # a page of its own, not a redirect to the sign-in
    assert 'name="email"' in page.content.decode()


@pytest.mark.django_db
def test_a_reset_by_email_sets_a_password_to_sign_in_with(client, owner):
    owner.set_password("forgotten and gone 1")
    owner.save()
    response = client.post(reverse("admin_password_reset"), {"email": "Alice@Acme.test"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [owner.email]
    link = reset_link(message)
    form = client.get(link, follow=True)  # Django swaps the token into the session, then asks
    assert 'name="new_password1"' in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    signed_in = client.post(
        reverse("admin:login"), {"username": owner.username, "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200
    client.logout()
    used_again = client.get(link, follow=True).content.decode()
    assert "This password reset link does not work" in used_again


@pytest.mark.django_db
def test_someone_who_never_had_a_password_gets_the_email(client, owner):
    owner.set_unusable_password()
    owner.save()
    client.post(reverse("admin_password_reset"), {"email": owner.email})
    assert [m.to for m in mail.outbox] == [[owner.email]]


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_and_no_email(client, owner):
    known = client.post(reverse("admin_password_reset"), {"email": owner.email}, follow=True)
    unknown = client.post(
        reverse("admin_password_reset"), {"email": "nobody@acme.test"}, follow=True
    )
    assert known.content == unknown.content  # no telling which addresses have accounts
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_locked_out_person_is_pointed_to_the_reset(client, settings, owner):
    settings.AXES_ENABLED, settings.AXES_FAILURE_LIMIT = True, 2
    for _ in range(3):
        locked = client.post(reverse("admin:login"), {"username": owner.username, "password": "x"})
    assert locked.status_code == 429
    assert f'href="{reverse("admin_password_reset")}"' in locked.content.decode()
