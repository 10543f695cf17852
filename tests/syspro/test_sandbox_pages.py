"""The sandbox SYSPRO's demo company and sign-in (the settings a person would type), its
read-only document pages (escaped) and its admin lists (superusers only)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from sandbox.syspro import demo, services
from sandbox.syspro.models import SysproCompany
from tests.factories import ConnectionFactory, UserFactory

MODELS = ["sysprocompany", "sysprooperator", "sysprosession", "sysprocustomer", "sysprostock",
          "sysprosalesorder", "sysproinvoice", "sysprocall"]  # fmt: skip
REST = "/sandbox/syspro/SYSPROWCFService/Rest"


@pytest.mark.django_db
def test_demo_sign_in_document_pages_and_admin(client, owner, settings):
    connection = ConnectionFactory(erp_kind="syspro", erp_settings={"order_mode": "billing"})
    demo.sign_in(connection)
    demo.sign_in(connection)  # idempotent: one company, settings kept
    connection.refresh_from_db()
    company = SysproCompany.objects.get()
    values, secrets = connection.erp_settings, connection.erp_secrets
    assert values["server_url"] == settings.PUBLIC_BASE_URL + REST
    assert (values["operator"], values["company_id"], values["warehouse"]) == (
        "MLC",
        "EDU1",
        "WH01",
    )
    assert values["order_mode"] == "billing"
    assert secrets["operator_password"] == company.operators.get().password
    assert company.stock.count() > 300 and company.stock.filter(stock_code="TENT-2P").exists()

    # The settings log on; an order with hostile text becomes a page that escapes it.
    user_id = client.get(f"{REST}/Logon", {
        "Operator": values["operator"], "OperatorPassword": secrets["operator_password"],
        "CompanyId": values["company_id"], "CompanyPassword": secrets["company_password"],
    }).content.decode()  # fmt: skip
    services.customer_set(company, "BC1", Name="Ann")
    xml_in = ("<SalesOrders><Orders><OrderHeader><CustomerPoNumber>&lt;script&gt;x</CustomerPoNumber>"
              "<Customer>BC1</Customer></OrderHeader><OrderDetails><StockLine><StockCode>TENT-2P"
              "</StockCode><OrderQty>2</OrderQty><Price>349</Price></StockLine></OrderDetails>"
              "</Orders></SalesOrders>")  # fmt: skip
    params = "<SalesOrders><Parameters><OrderStatus>8</OrderStatus></Parameters></SalesOrders>"
    answer = client.get(f"{REST}/Transaction/Post", {"UserId": user_id, "BusinessObject": "SORTOI",
                                                     "XmlParameters": params, "XmlIn": xml_in})  # fmt: skip
    assert b"Successful" in answer.content, answer.content
    number = services.sales_orders(company)[0]["SalesOrder"]
    page = client.get(services.document_url("", company, "order", number))
    html = page.content.decode()
    assert page.status_code == 200 and f"Sales order {number}" in html and "698.00" in html
    assert "&lt;script&gt;x" in html and "<script>" not in html
    assert client.get(services.document_url("", company, "invoice", "999999")).status_code == 404
    assert client.get(services.document_url("", company, "ledger", number)).status_code == 404

    client.force_login(UserFactory(username="root@platform.test", is_superuser=True,
                                   is_staff=True))  # fmt: skip
    services.faults_set(company, fault_error_rate=0.5, fault_session_kill=2)
    for model in MODELS:
        assert client.get(reverse(f"admin:sandbox_syspro_{model}_changelist")).status_code == 200
    client.post(reverse("admin:sandbox_syspro_sysprocompany_changelist"),
                {"action": "clear_faults", "_selected_action": [company.pk]})  # fmt: skip
    company.refresh_from_db()
    assert company.fault_error_rate == 0 and company.fault_session_kill == 0
    owner.user_permissions.add(*Permission.objects.filter(content_type__app_label="sandbox_syspro"))
    owner.is_staff = True
    owner.save()
    client.force_login(owner)
    for model in MODELS:
        assert client.get(reverse(f"admin:sandbox_syspro_{model}_changelist")).status_code == 403
