"""e.net sessions: Logon hands out a session id (34 upper-case hex characters, answered with two
trailing spaces, as recorded), every other call names it as UserId. One session per operator (a
second Logon ends the first: third-party production note, research §3.1), a seat limit per
company (live sessions), and an idle timeout (its length UNCONFIRMED)."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sandbox.syspro import errors
from sandbox.syspro.models import SysproCompany, SysproOperator, SysproSession


def new_session_id() -> str:
    # Recorded ids are 32 hex digits then "00" (e.g. 3EA613166FE4BF47925DF1CEA14E910100).
    return secrets.token_hex(16).upper() + "00"


def live(company: SysproCompany):
    cutoff = timezone.now() - timedelta(seconds=company.idle_timeout_seconds)
    return SysproSession.objects.filter(company=company, ended_at=None, last_used__gte=cutoff)


def end(sessions, why: str) -> int:
    return sessions.filter(ended_at=None).update(ended_at=timezone.now(), ended_why=why)


def logon(operator_code: str, operator_password: str, company_id: str, company_password: str):
    """The new session, or SysproError with SYSPRO's words. Checks run in the order a person
    would meet them: company, operator, passwords, then the seats (order UNCONFIRMED)."""
    with transaction.atomic():
        company = SysproCompany.objects.select_for_update().filter(company_id__iexact=company_id)
        company = company.first()
        if company is None:
            raise errors.company_not_found(company_id)
        if company.fault_logon_error:
            raise errors.SysproError(company.fault_logon_error)
        operator = SysproOperator.objects.filter(company=company, code__iexact=operator_code)
        operator = operator.first()
        if operator is None:
            raise errors.operator_not_found(operator_code)
        if not _same(operator_password, operator.password):
            raise errors.SysproError(errors.INVALID_OPERATOR_PASSWORD)
        if not _same(company_password, company.company_password):
            raise errors.SysproError(errors.INVALID_COMPANY_PASSWORD)
        end(SysproSession.objects.filter(operator=operator), "another logon of the operator")
        if live(company).count() >= company.seats:
            raise errors.seats_taken(company.seats, company.company_id)
        now = timezone.now()
        return SysproSession.objects.create(
            company=company, operator=operator, session_id=new_session_id(),
            created_at=now, last_used=now,
        )  # fmt: skip


def _same(given: str, kept: str) -> bool:
    return secrets.compare_digest(given.encode(), kept.encode())  # any text, in constant time


def find(user_id: str) -> SysproSession | None:
    """The session a UserId names, live or not (None: never issued). The id is matched without
    its trailing spaces: whether SYSPRO insists on them is UNCONFIRMED."""
    user_id = (user_id or "").strip().upper()
    if not user_id:
        return None
    return (
        SysproSession.objects.select_related("company", "operator")
        .filter(session_id=user_id)
        .first()
    )


def use(session: SysproSession | None) -> SysproSession:
    """The session, touched; SysproError (session gone) when unknown, ended or idle too long."""
    if session is None or session.ended_at is not None:
        raise errors.SysproError(errors.SESSION_GONE)
    now = timezone.now()
    idle = timedelta(seconds=session.company.idle_timeout_seconds)
    if session.last_used < now - idle:
        end(SysproSession.objects.filter(pk=session.pk), "idle timeout")
        raise errors.SysproError(errors.SESSION_GONE)
    SysproSession.objects.filter(pk=session.pk).update(last_used=now)
    return session


def logoff(session: SysproSession | None) -> None:
    use(session)
    end(SysproSession.objects.filter(pk=session.pk), "logoff")
