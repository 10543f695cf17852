"""The sandbox SYSPRO as a client sees it, over real HTTP: a company with its operator and stock
(services.syspro_create) at `company.server_url`, and a small e.net caller for tests. Shared by
the sandbox's tests and the connector's."""

import itertools

import requests

from sandbox.syspro import services
from sandbox.syspro.models import SysproCompany

_numbers = itertools.count(1)


def syspro_sandbox(live_server, **options) -> SysproCompany:
    """A fresh company (its own CompanyId) served by `live_server`; the returned row carries
    server_url, operator and operator_password for the settings form."""
    options.setdefault("company_id", f"T{next(_numbers):04d}")
    company = services.syspro_create(**options)
    company.server_url = services.server_url(live_server.url)
    company.operator = company.operators.get().code
    company.operator_password = company.operators.get().password
    return company


class Enet:
    """GETs against e.net's REST service, as a SYSPRO client sends them."""

    def __init__(self, company: SysproCompany):
        self.company = company
        self.http = requests.Session()

    def get(self, method: str, **params) -> requests.Response:
        return self.http.get(f"{self.company.server_url}/{method}", params=params, timeout=10)

    def logon(self, *, operator=None, password=None, company_password=None) -> requests.Response:
        return self.get("Logon", Operator=operator or self.company.operator,
                        OperatorPassword=self.company.operator_password if password is None
                        else password, CompanyId=self.company.company_id,
                        CompanyPassword=self.company.company_password if company_password is None
                        else company_password)  # fmt: skip

    def session(self) -> str:
        answer = self.logon()
        assert answer.status_code == 200 and not answer.text.startswith("ERROR"), answer.text
        return answer.text  # with its two trailing spaces

    def query(self, user_id: str, business_object: str, xml_in: str) -> requests.Response:
        return self.get("Query/Query", UserId=user_id, BusinessObject=business_object,
                        XmlIn=xml_in)  # fmt: skip

    def post(self, user_id: str, business_object: str, parameters: str, xml_in: str):
        return self.get("Transaction/Post", UserId=user_id, BusinessObject=business_object,
                        XmlParameters=parameters, XmlIn=xml_in)  # fmt: skip

    def setup(self, user_id: str, method: str, parameters: str, xml_in: str):
        return self.get(f"Setup/{method}", UserId=user_id, BusinessObject="ARSSCS",
                        XmlParameters=parameters, XmlIn=xml_in)  # fmt: skip

    def close(self):
        self.http.close()
