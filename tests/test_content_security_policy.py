"""Every page carries the Content-Security-Policy: our own scripts, styles, fonts and images
only, no inline script, no plugins, no framing. The admin theme's Alpine.js needs 'unsafe-eval'
and inline styles; whether each page then renders without a violation is checked in a real
browser (tests/test_content_security_policy_browser.py)."""

import pytest

from tests.api.test_docs_self_hosted import policy_of

PAGES = (
    "/admin/login/",
    "/admin/",
    "/admin/tenants/connection/",
    "/admin/tenants/connection/add/",
    "/api/v1/connections/",  # the browsable API
    "/api/schema/swagger/",
    "/api/schema/redoc/",
)


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_every_page_allows_only_our_own_resources_and_no_inline_script(client, owner, page):
    if page != "/admin/login/":
        client.force_login(owner)
    response = client.get(page, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    policy = policy_of(response)
    for directive in ("default-src", "script-src", "style-src", "img-src", "font-src"):
        assert policy[directive][0] == "'self'", (directive, policy)
        assert not any(source.startswith(("http", "*")) for source in policy[directive])
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
