"""gunicorn's own logs with credentials masked (config/gunicorn.py names this class): the access
log (an OAuth callback's `?code=…&state=…`, a `next=` address holding one, secret headers if the
log format names them) and the error log ("Error handling request /…?code=…" and its traceback)."""

from gunicorn.glogging import Logger

from audit.logging import RedactSecretsFilter
from audit.redaction import MASK, is_secret_header, redact_text


class RedactingGunicornLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, RedactSecretsFilter) for f in self.error_log.filters):
            self.error_log.addFilter(RedactSecretsFilter())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: _masked(name, value) for name, value in atoms.items()}


def _masked(name: str, value):
    if not isinstance(value, str):
        return value
    if is_secret_header(_header_of(name)):
        return MASK
    return redact_text(value)


def _header_of(name: str) -> str:
    """The header an atom holds: `{authorization}i` (request), `{set-cookie}o` (response),
    `{http_cookie}e` (the WSGI environ); "" for the rest."""
    if name.endswith(("}i", "}o")):
        return name[1:-2]
    if name.startswith("{http_") and name.endswith("}e"):
        return name[6:-2].replace("_", "-")
    return ""
