"""What the current code is working on, so each ApiCall can say what made it."""

import contextlib
import contextvars

_correlation: contextvars.ContextVar[str] = contextvars.ContextVar("correlation", default="")


def current_correlation() -> str:
    return _correlation.get()


@contextlib.contextmanager
def correlation(value: str):
    """`with correlation(f"job:{job.pk}"):` — every outside call inside is tagged with it."""
    token = _correlation.set(value)
    try:
        yield
    finally:
        _correlation.reset(token)
