"""Store writes go through the same client and get the same rule: a webhook registration
(POST v3/hooks) that BigCommerce saved but answered 503 is not sent again in place, and the next
check lists the hooks first and finds it, so the store never holds two hooks for one scope."""

import itertools
import json
from collections import Counter

import pytest

from connectors.bigcommerce.hooks import ensure_hooks
from tenants.models import Connection
from tests.support.scripted_server import Answer
from webhooks.subscription import SUBSCRIBED_SCOPES

pytestmark = pytest.mark.django_db


class HookStore:
    """The store's v3/hooks over real HTTP: every POST saves the hook; the first is answered 503
    (BigCommerce saved it, the answer went wrong)."""

    def __init__(self):
        self.hooks, self.ids = [], itertools.count(1)

    def __call__(self, seen) -> Answer:
        if seen.method == "GET" and "/v3/hooks" in seen.path:
            return Answer(200, {"data": self.hooks, "meta": {"pagination": {"total_pages": 1}}})
        if seen.method == "POST" and seen.path.endswith("/v3/hooks"):
            hook = {"id": next(self.ids), **json.loads(seen.body)}
            self.hooks.append(hook)
            if hook["id"] == 1:
                return Answer(503, {"title": "Service unavailable"})
            return Answer(200, {"data": hook})
        return Answer(404, {"title": "not here"})


def test_a_hook_saved_but_answered_503_is_found_by_the_next_check_not_posted_again(
    vendor_server, store_connection, settings
):
    settings.PUBLIC_BASE_URL = "https://app.example.com"
    store = HookStore()
    vendor_server.route = store
    first = ensure_hooks(store_connection)
    assert "did not confirm" in first["error"], first
    assert [s.method for s in vendor_server.seen].count("POST") == 1  # not repeated in place
    second = ensure_hooks(Connection.objects.get(pk=store_connection.pk))
    assert second["error"] == "", second
    per_scope = Counter(hook["scope"] for hook in store.hooks)
    assert per_scope == dict.fromkeys(SUBSCRIBED_SCOPES, 1), per_scope
