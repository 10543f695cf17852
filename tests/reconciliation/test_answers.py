"""A run never crashes on what a system answers: a malformed store list, a body that is not JSON,
or a list longer than a run keeps, each stops the run with a plain message on its page (a stand-in
store over real HTTP)."""

import pytest
from django.utils import timezone

from reconciliation.models import ReconciliationRun
from reconciliation.services import run_execute, run_start
from tests.factories import ConnectionFactory
from tests.support.scripted_server import Answer, ScriptedServer

# A run works on SQLite too (the embedded mode).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.embedded]

ORDER = {
    "id": 7, "status_id": 11, "status": "Awaiting Fulfillment", "total_inc_tax": "110.0000",
    "currency_code": "AUD", "date_created": "Tue, 03 Nov 2026 10:00:00 +0000",
}  # fmt: skip


def run_against(tenant, server, answers):
    server.answer(*answers)
    connection = ConnectionFactory(tenant=tenant, bc_api_url=server.url)
    today = timezone.now().date()
    run = run_start(connection=connection, start=today.replace(day=1), end=today)
    run_execute(run.pk)
    return ReconciliationRun.objects.get(pk=run.pk)


@pytest.mark.parametrize(
    "answers, said",
    [
        ([Answer(body=[{**ORDER, "total_inc_tax": {"amount": 1}}])], "BigCommerce"),
        ([Answer(body=[{k: v for k, v in ORDER.items() if k != "status_id"}])], "BigCommerce"),
        ([Answer(body=b"<html>Bad gateway</html>", headers={"Content-Type": "text/html"})],
         "not JSON"),
        ([Answer(body={"orders": [ORDER]})], "BigCommerce"),
    ],
    ids=["total-of-wrong-type", "field-missing", "not-json", "wrong-shape"],
)  # fmt: skip
def test_a_malformed_store_answer_stops_the_run_with_a_plain_message(tenant, answers, said):
    with ScriptedServer() as server:
        run = run_against(tenant, server, answers)
    assert run.state == ReconciliationRun.State.FAILED
    assert run.message.startswith("Stopped: ") and said in run.message
    assert "Traceback" not in run.message and "Error(" not in run.message
    assert not run.findings.exists()
    assert run.store_calls >= 1  # the calls are in the log, for the details


def test_a_list_longer_than_a_run_keeps_stops_it(tenant, monkeypatch):
    monkeypatch.setattr("reconciliation.services.MAX_ROWS", 150)
    page = [{**ORDER, "id": n} for n in range(1, 101)]  # 100 a page, every page full
    with ScriptedServer() as server:
        run = run_against(tenant, server, [Answer(body=page)])
    assert run.state == ReconciliationRun.State.FAILED
    assert "More than 150 orders in the store" in run.message
    assert run.store_calls == 2  # stopped at the page that went over, not at the list's end
