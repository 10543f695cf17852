"""What the current code is working on, so each ApiCall can say what made it."""

import contextlib
import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class Correlation:
    label: str = ""
    sync_job_id: int | None = None


_NONE = Correlation()
_current: contextvars.ContextVar[Correlation | None] = contextvars.ContextVar(
    "correlation", default=None
)


def current_correlation() -> Correlation:
    return _current.get() or _NONE


@contextlib.contextmanager
def correlation(label: str, *, sync_job_id: int | None = None):
    """`with correlation("job:42", sync_job_id=42):` — every outside call inside is tagged."""
    token = _current.set(Correlation(label, sync_job_id))
    try:
        yield
    finally:
        _current.reset(token)
