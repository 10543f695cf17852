"""Small things a person notices in the admin: an icon in the browser tab (no 404 for it on every
page) and empty lists that say, in plain words, why they are empty."""

import pytest
from django.urls import reverse

from tests.support import browser

JOBS = "admin:sync_syncjob_changelist"


@pytest.mark.django_db
def test_an_empty_list_says_so_in_plain_words(client, owner):
    client.force_login(owner)
    empty = client.get(reverse(JOBS)).content.decode()
    assert "Nothing here yet" in empty and "There are no sync jobs yet." in empty
    assert "yielded" not in empty and 'id="clear-filters"' not in empty
    searched = client.get(reverse(JOBS) + "?q=1042").content.decode()
    assert "Nothing matches your search or filters" in searched and "yielded" not in searched
    assert 'id="clear-filters"' in searched  # and the way back to everything


@pytest.mark.django_db
def test_every_admin_page_links_the_icon_and_it_is_served(client, owner):
    pages = [client.get(reverse("admin:login")).content.decode()]  # signed out
    client.force_login(owner)
    pages += [client.get(reverse(name)).content.decode() for name in ("admin:index", JOBS)]
    for html in pages:
        assert 'rel="icon"' in html and "favicon" in html
    href = html.split('rel="icon"')[1].split('href="')[1].split('"')[0]
    icon = client.get(href)
    assert icon.status_code == 200 and icon["Content-Type"].startswith("image/svg+xml")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_browser_gets_no_404_and_an_empty_list_reads_plainly(live_server, browser_page, owner):
    page = browser_page
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    browser.sign_in(page, live_server, owner)
    page.goto(live_server.url + reverse(JOBS))
    page.wait_for_load_state("networkidle")
    assert "Nothing here yet" in page.locator("#empty-results").inner_text()
    browser.screenshots(page, "empty-job-list")
    assert not failed, failed
