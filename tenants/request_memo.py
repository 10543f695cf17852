"""Which tenants a person belongs to, asked once per request instead of once per question.

An admin page asks tenant_ids_for for every model it lists (may they see it, add to it, change
it), twice over on the home page: ~90 identical membership queries per page. Within a request
(TenantMemoMiddleware) the answer is kept per (user, roles); outside one (tasks, the shell,
tests calling selectors directly) nothing is kept. A membership saved or deleted during the
request drops what was kept, so a role changed by the request itself is seen at once.
"""

import contextvars

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

_kept: contextvars.ContextVar[dict | None] = contextvars.ContextVar("tenant_ids", default=None)


class TenantMemoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _kept.set({})
        try:
            return self.get_response(request)
        finally:
            _kept.reset(token)


def remembered(key: tuple, compute) -> list[int]:
    """compute() once per request for `key`; a fresh list each time (callers may change it)."""
    kept = _kept.get()
    if kept is None:
        return compute()
    if key not in kept:
        kept[key] = compute()
    return list(kept[key])


@receiver(post_save, sender="tenants.Membership")
@receiver(post_delete, sender="tenants.Membership")
def _membership_changed(**kwargs):
    kept = _kept.get()
    if kept is not None:
        kept.clear()
