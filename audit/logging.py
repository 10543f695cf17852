"""A logging filter that masks every known credential value and every secret query parameter in
every record, whatever logger: its message, its traceback and its extra fields (Django's
`request`, Celery's task `data`), which the JSON formatter writes out too."""

import logging

from audit.redaction import redact_text

# Attributes every LogRecord has; anything else on a record is an extra the formatter writes.
_STANDARD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            # The formatter renders the traceback later; pre-render and mask it now.
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        for name in record.__dict__.keys() - _STANDARD_ATTRIBUTES:
            setattr(record, name, _masked(getattr(record, name)))
        return True


def _masked(value):
    """An extra field as the formatter would write it, with secrets masked; plain numbers and
    flags stay as they are, anything else becomes its (masked) text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {str(k): _masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(v) for v in value]
    return redact_text(str(value))
