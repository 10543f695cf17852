"""One SYSPRO e.net session per operator, shared by the jobs of a cycle.

SYSPRO allows one session per operator: a second Logon ends the first (third-party production
notes), and every session holds an e.net licence seat until Logoff or SYSPRO's idle timeout
(its default length: UNCONFIRMED). So:

- `enter`: reuse the operator's live session (its id is stored encrypted in SysproSession), else
  Logon, in the operator's turn (`connectors.auth.row_turn`: a row lock on PostgreSQL, a lock
  file on SQLite, so no database write transaction is held while SYSPRO answers).
- `relogon(stale)`: SYSPRO said the session is gone; Logon again once, unless another job
  already did (the stored id is no longer the stale one).
- `leave` (ErpConnector.close, in a finally): a cycle is the jobs of a connection that run back
  to back while more are due; the one that ends with no other job of its connection due or
  running logs off. A worker that died leaves its session: the periodic sweep logs off sessions
  unused for longer than a job's lease.

A Logon refused by SYSPRO (wrong password, unknown operator or company) stops the connection's
calls until a person corrects the settings (ReconnectRequired); no free licence seat is waited out.
"""

import contextlib
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from audit.redaction import register_secrets
from connectors.auth import row_turn
from connectors.errors import PermanentError, ReconnectRequired, TransientError, UnreadableAnswer
from connectors.syspro.client import (
    NotConnected,
    credentials,
    operator_key,
    refusal,
    session_id_in,
)
from connectors.syspro.models import SysproSession

SEAT_WAIT = 300.0  # seconds before a job tries again for a licence seat
SETTINGS_HINT = "Correct it in the connection's settings, then run 'Test connection'."


def _register(session_id: str) -> None:
    register_secrets([session_id, session_id.strip()])


def logon_refused(reason: str, connection) -> PermanentError | TransientError:
    """What a refused Logon means (SYSPRO's words in `reason`; only the operator password
    wording is recorded, the others are UNCONFIRMED)."""
    lowered = reason.lower()
    values = connection.erp_settings or {}
    operator, company = values.get("operator", ""), values.get("company_id", "")
    if "licen" in lowered or "seat" in lowered:
        return TransientError(
            f"SYSPRO has no free e.net licence for operator {operator} in company {company} "
            f"now ({reason}). ml-connector tries again in a few minutes; if it lasts, end unused "
            "SYSPRO sessions or ask your SYSPRO partner for more e.net seats.",
            retry_after=SEAT_WAIT,
        )
    if "company" in lowered:
        part = f"the company {company} or its password"
    elif "password" in lowered:
        part = f"the password of operator {operator}"
    elif "operator" in lowered:
        part = f"the operator {operator}"
    else:
        return TransientError(f"SYSPRO could not log on operator {operator} ({reason}).")
    return ReconnectRequired(f"SYSPRO refused {part} ({reason}). {SETTINGS_HINT}")


def session_id_of(response) -> str:
    """The UserId in Logon's answer, as SYSPRO wrote it (with its trailing spaces)."""
    session_id = session_id_in(response)
    if session_id is None:
        body = response.content[:60].decode("cp1252", errors="replace")
        raise UnreadableAnswer(
            f"The server at the SYSPRO URL answered Logon with {body[:60]!r}, not a SYSPRO "
            "session id: check that the URL is the e.net REST service (…/SYSPROWCFService/Rest)."
        )
    return session_id


def more_jobs_due(connection, now=None) -> bool:
    """Another job of the connection is running or due now (the cycle goes on)."""
    from sync.lease import current_lease
    from sync.models import JobState, SyncJob
    from sync.scheduling import due

    now = now or timezone.now()
    jobs = SyncJob.objects.filter(connection=connection).filter(
        due(now) | Q(state=JobState.RUNNING)
    )
    lease = current_lease()
    if lease is not None:
        jobs = jobs.exclude(pk=lease.job_id)
    return jobs.exists()


class Session:
    """The operator's session as one connector (a job's run, a check) uses it."""

    def __init__(self, connection, http, *, stops_connection: bool = True):
        self.connection = connection
        self.http = http
        self.stops_connection = stops_connection
        self.key = operator_key(connection)
        self.entered = False

    def _rows(self):
        SysproSession.objects.get_or_create(
            operator_key=self.key, defaults={"connection": self.connection}
        )
        return SysproSession.objects.filter(operator_key=self.key)

    def _turn(self):
        return row_turn(self._rows(), f"syspro-{self.key}")

    def id(self) -> str:
        """The live session's id, logging on first when the operator has none."""
        self.entered = True
        row = SysproSession.objects.filter(operator_key=self.key).first()
        if row is not None and row.session_id:
            _register(row.session_id)
            return row.session_id
        return self.relogon(stale="")

    def relogon(self, *, stale: str) -> str:
        """Log on in the operator's turn, unless another job replaced `stale` meanwhile."""
        failure = None
        with self._turn() as row:
            if row.session_id and row.session_id != stale:
                _register(row.session_id)
                return row.session_id
            try:
                session_id = self._logon()
            except ReconnectRequired as exc:
                if not self.stops_connection:
                    raise
                failure = exc
            else:
                now = timezone.now()
                row.session_id, row.connection = session_id, self.connection
                row.logged_on_at = row.last_used_at = now
                row.save()
                return session_id
        # Outside the turn: the connection's new status is committed before we report it.
        from tenants.reconnect import connection_needs_reconnect

        connection_needs_reconnect(connection_id=self.connection.pk, message=failure.message)
        raise failure

    def _logon(self) -> str:
        params = credentials(self.connection)
        try:
            response = self.http.get("Logon", operation="syspro.logon", params=params)
        except ReconnectRequired:  # the connection is stopped already: nothing was sent
            raise
        except PermanentError as exc:
            reason = refusal(exc)
            if reason is None:
                raise NotConnected(
                    f"The server at the SYSPRO URL refused Logon ({exc.message}): check that the "
                    "URL is the e.net REST service (…/SYSPROWCFService/Rest)."
                ) from exc
            raise logon_refused(reason, self.connection) from exc
        session_id = session_id_of(response)
        _register(session_id)
        return session_id

    def used(self) -> None:
        """The session served a call: the sweep leaves it alone for another lease."""
        SysproSession.objects.filter(operator_key=self.key, logged_on_at__isnull=False).update(
            last_used_at=timezone.now()
        )

    def leave(self) -> None:
        """End of this connector's use: log off unless more of the connection's jobs are due
        (the cycle goes on and the next job reuses the session)."""
        if not self.entered:
            return
        self.entered = False
        if more_jobs_due(self.connection):
            return
        with self._turn() as row:  # Logoff in the operator's turn, as Logon
            if not row.session_id:
                return
            logoff(self.http, row.session_id)
            row.session_id, row.logged_on_at = "", None
            row.save(update_fields=["session_id", "logged_on_at"])


def logoff(http, session_id: str) -> None:
    """Logoff; SYSPRO's refusal (an id it no longer knows) or a failed call changes nothing:
    the seat is free already, or SYSPRO's idle timeout frees it."""
    with contextlib.suppress(PermanentError, TransientError):
        http.get("Logoff", operation="syspro.logoff", params={"UserId": session_id})


def sessions_sweep(idle: timedelta) -> int:
    """Log off the sessions nobody used for `idle` (a worker died mid-cycle); how many."""
    from connectors.syspro.client import client

    swept = 0
    stale = SysproSession.objects.filter(logged_on_at__isnull=False).filter(
        Q(last_used_at__lt=timezone.now() - idle) | Q(last_used_at__isnull=True)
    )
    for candidate in stale.select_related("connection"):
        rows = SysproSession.objects.filter(pk=candidate.pk)
        with row_turn(rows, f"syspro-{candidate.operator_key}") as row:
            if not row.session_id or (
                row.last_used_at and row.last_used_at >= timezone.now() - idle
            ):
                continue  # used or ended since
            _register(row.session_id)
            # Settings no longer complete (PermanentError): SYSPRO's idle timeout frees the seat.
            with contextlib.suppress(PermanentError):
                logoff(client(candidate.connection), row.session_id)
            row.session_id, row.logged_on_at = "", None
            row.save(update_fields=["session_id", "logged_on_at"])
        swept += 1
    return swept
