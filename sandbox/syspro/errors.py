"""SYSPRO's failure styles: an `ERROR: …` body with HTTP 200 (logon, session and business
object exceptions: recorded), and the sandbox's fault switches' HTTP 500/503 and hangs."""


class SysproError(Exception):
    """Answered as `ERROR: <message>`, status 200 (or `status` for the fault switches)."""

    def __init__(self, message: str, *, status: int = 200):
        super().__init__(message)
        self.message = message
        self.status = status

    @property
    def body(self) -> str:
        if self.status != 200:
            return self.message
        return self.message if self.message.startswith("ERROR:") else f"ERROR: {self.message}"


# The recorded wording; the others are UNCONFIRMED.
INVALID_OPERATOR_PASSWORD = "Invalid operator password"  # noqa: S105
INVALID_COMPANY_PASSWORD = "Invalid company password"  # noqa: S105
# UNCONFIRMED wording; the connector reads "UserId"/"session" in it as "session gone".
SESSION_GONE = "Invalid UserId: the session has expired or was ended"


def operator_not_found(code: str) -> SysproError:
    return SysproError(f"Operator '{code}' not found")


def company_not_found(company_id: str) -> SysproError:
    return SysproError(f"Company '{company_id}' not found")


def seats_taken(seats: int, company_id: str) -> SysproError:
    return SysproError(
        f"Licence limit reached: all {seats} e.net seats of company {company_id} are in use"
    )
