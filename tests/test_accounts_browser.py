"""Joining and getting back in, in a real browser (Debian's Chromium through Playwright): an owner
invites someone from the Memberships page, the invited person accepts through the e-mailed link
and chooses a password, and a person who forgot theirs resets it by e-mail and signs in. Each
page is photographed at 1440 and 390 pixels wide (under VAR_DIR/screenshots/)."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail

from tenants.models import Invitation, Membership

pytestmark = pytest.mark.browser
WIDTHS = {"wide": 1440, "narrow": 390}
PASSWORD = "a long walk to the ledger"


def photograph(chromium, page, name: str) -> None:
    """The page as it stands (messages included) and, in a fresh window carrying the same
    session, at the other width."""
    folder = settings.VAR_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        if width == page.viewport_size["width"]:
            page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
            continue
        context = chromium.new_context(viewport={"width": width, "height": 900})
        context.add_cookies(page.context.cookies())
        other = context.new_page()
        other.goto(page.url)
        other.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
        context.close()


def link_path(pattern: str) -> str:
    """The path of the link in the last e-mail (its host is PUBLIC_BASE_URL, not this server)."""
    return urlsplit(re.search(pattern, mail.outbox[-1].body).group(0)).path


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def assert_visible_box(page, selector: str) -> None:
    """Shown, full width, and with a border that stands out from the page behind it."""
    box = page.locator(selector)
    assert box.is_visible()
    assert box.bounding_box()["width"] > 200
    style = box.evaluate(
        "e => { const s = getComputedStyle(e);"
        " return [s.borderTopWidth, s.borderTopColor, getComputedStyle(document.body).backgroundColor]; }"
    )
    assert style[0] != "0px" and style[1] != style[2], style


@pytest.mark.django_db(transaction=True)
def test_an_owner_invites_and_the_person_accepts_through_the_emailed_link(
    live_server, chromium, owner, tenant
):
    base = live_server.url
    owner.set_password(PASSWORD)
    owner.save()
    page = chromium.new_page(viewport={"width": 1440, "height": 900})
    sign_in(page, base, owner.username, PASSWORD)

    page.goto(f"{base}/admin/tenants/membership/add/")  # "Add membership" opens the invitation
    page.wait_for_url(f"{base}/admin/tenants/invitation/add/")
    assert_visible_box(page, "input[name=email]")
    photograph(chromium, page, "invitation-form")
    page.fill("input[name=email]", "new.person@acme.test")
    page.select_option("select[name=role]", "admin")
    page.click("button[name=_save]")
    page.wait_for_url(f"{base}/admin/tenants/invitation/")
    assert "Invitation e-mailed to new.person@acme.test" in page.content()
    assert not Membership.objects.filter(user__username="new.person@acme.test").exists()
    photograph(chromium, page, "invitation-list")

    link = base + link_path(r"https?://\S+/admin/invitation/\S+/")
    invited = chromium.new_page(viewport={"width": 390, "height": 900})  # a phone, signed out
    invited.goto(link)
    photograph(chromium, invited, "invitation-accept")
    assert_visible_box(invited, "input[name=new_password1]")
    invited.fill("input[name=new_password1]", PASSWORD)
    invited.fill("input[name=new_password2]", PASSWORD)
    invited.click("#invitation-password-form button[type=submit]")
    invited.wait_for_url(f"{base}/admin/")
    assert "Welcome to Acme Outdoor" in invited.content()
    photograph(chromium, invited, "invitation-welcome")
    membership = Membership.objects.get(user__username="new.person@acme.test")
    assert membership.role == "admin" and Invitation.objects.get().accepted_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_forgotten_password_is_reset_by_email_and_then_used_to_sign_in(
    live_server, chromium, owner
):
    base = live_server.url
    owner.set_password("forgotten and gone 1")
    owner.save()
    page = chromium.new_page(viewport={"width": 390, "height": 900})
    page.goto(f"{base}/admin/login/")
    assert page.locator("label[for=id_username]").inner_text().startswith("Email address")
    photograph(chromium, page, "sign-in")
    page.click("a.password-reset-link")
    page.wait_for_url(f"{base}/admin/password_reset/")
    photograph(chromium, page, "password-reset-form")
    page.fill("input[name=email]", owner.email)
    page.click("#password-reset-form button[type=submit]")
    page.wait_for_url(f"{base}/admin/password_reset/done/")
    photograph(chromium, page, "password-reset-sent")

    page.goto(base + link_path(r"https?://\S+/admin/reset/\S+/"))
    page.wait_for_url(re.compile(r".*/admin/reset/.+/set-password/$"))
    photograph(chromium, page, "password-reset-choose")
    page.fill("input[name=new_password1]", PASSWORD)
    page.fill("input[name=new_password2]", PASSWORD)
    page.click("#password-set-form button[type=submit]")
    page.wait_for_url(f"{base}/admin/reset/done/")
    photograph(chromium, page, "password-reset-done")
    page.click("text=Sign in")
    sign_in(page, base, owner.email, PASSWORD)  # lands on the admin's index
