"""Swagger UI and Redoc come from this installation: every script, stylesheet and icon they
reference is one of our own static files (or Swagger UI's start-up script, a response of its own
page), served here; nothing comes from a CDN or a font service, so the pages work offline and
under the Content-Security-Policy, which on these pages allows no eval."""

import re

import pytest

PAGES = ("/api/schema/swagger/", "/api/schema/redoc/")
REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


def policy_of(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {words[0]: words[1:] for words in directives if words}


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_the_docs_pages_reference_only_our_own_files_and_they_are_served(client, page):
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html  # no inline script: Swagger UI starts from a file of its own
    found = [url.replace("&amp;", "&") for url in REFERENCE.findall(html)]
    ours = [url for url in found if url.startswith(("/static/", f"{page}?"))]
    assert found and found == ours, f"{page} references files from elsewhere: {found}"
    for url in found:
        served = client.get(url)
        assert served.status_code == 200, url
        body = b"".join(served.streaming_content) if served.streaming else served.content
        assert body, url
        if url.startswith(page):
            assert b"/api/schema/" in body and b"https://" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_the_docs_pages_run_under_a_policy_without_eval(client, page):
    policy = policy_of(client.get(page))
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"] and policy["font-src"] == ["'self'"]
