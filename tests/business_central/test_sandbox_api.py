"""The sandbox Business Central API over real HTTP, against the fact sheet: who may call (401s,
404s for an unknown environment or company), companies, entity sets with @odata.context and
@odata.etag, OData v4 queries with unquoted date-times and GUIDs, server-driven paging, ETag
concurrency (If-Match required, a stale one → 409 Request_EntityChanged), BC's refusals of a
body, and a BcChange appended on every write."""

import requests

from sandbox.business_central import services
from sandbox.business_central.models import BcChange
from tests.support.bc_sandbox import bc_sandbox, bc_session


def _error(answer, status, code):
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    return body["error"]["message"]


def test_no_unknown_or_expired_token_is_401(bc, bc_client):
    url = f"{bc.api_url}/companies"
    _error(requests.get(url, timeout=10), 401, "Authentication_InvalidCredentials")
    made_up = requests.get(url, headers={"Authorization": "Bearer sbx-bc-at-made-up"}, timeout=10)
    _error(made_up, 401, "Authentication_InvalidCredentials")
    assert "login.microsoftonline.com" in made_up.headers["WWW-Authenticate"]
    assert bc_client.get(url, timeout=10).status_code == 200
    services.clock_advance(91 * 60)  # past any token's 60-90 minutes
    _error(bc_client.get(url, timeout=10), 401, "Authentication_InvalidCredentials")


def test_an_app_not_on_the_entra_applications_page_is_refused(transactional_db, live_server):
    outsider = bc_sandbox(live_server, bc_access=False)
    client = bc_session(outsider)  # Entra gives it a token: BC refuses it
    message = _error(client.get(f"{outsider.api_url}/companies", timeout=10), 401,
                     "Authentication_InvalidCredentials")  # fmt: skip
    assert "could not be authenticated or authorized" in message
    client.close()


def test_a_token_of_another_tenant_is_refused(bc, bc_client, live_server):
    other = bc_sandbox(live_server)
    answer = bc_client.get(f"{other.api_url}/companies", timeout=10)
    _error(answer, 401, "Authentication_InvalidCredentials")


def test_unknown_environment_company_and_entity_set(bc, bc_client):
    wrong_env = bc.api_url.replace("/Production/", "/Nowhere/")
    assert "Nowhere" in _error(bc_client.get(f"{wrong_env}/companies", timeout=10), 404,
                               "NoEnvironment")  # fmt: skip
    unknown = "11111111-2222-3333-4444-555555555555"
    _error(bc_client.get(f"{bc.api_url}/companies({unknown})/items", timeout=10), 404,
           "Internal_CompanyNotFound")  # fmt: skip
    message = _error(bc_client.get(f"{bc.company_url}/widgets", timeout=10), 404,
                     "BadRequest_NotFound")  # fmt: skip
    assert message.startswith("No HTTP resource was found that matches the request URI")


def test_companies_and_an_entity_with_context_and_etag(bc, bc_client):
    listed = bc_client.get(f"{bc.api_url}/companies", timeout=10).json()
    assert listed["@odata.context"].endswith("/api/v2.0/$metadata#companies")
    assert [c["id"] for c in listed["value"]] == [str(bc.company.id)]
    assert listed["value"][0]["name"] == "CRONUS"
    items = bc_client.get(f"{bc.company_url}/items", timeout=10).json()
    tent = next(i for i in items["value"] if i["number"] == "TENT-2P")
    assert tent["@odata.etag"].startswith('W/"Jz') and tent["unitPrice"] == 349
    assert tent["inventory"] == 25 and tent["id"] == bc.items["TENT-2P"]
    one = bc_client.get(f"{bc.company_url}/items({tent['id']})", timeout=10)
    assert one.json()["@odata.context"].endswith(f"#companies({bc.company.id})/items/$entity")
    assert one.headers["ETag"] == tent["@odata.etag"]
    assert one.headers["OData-Version"] == "4.0"
    assert one.headers["Content-Type"].startswith("application/json; odata.metadata=minimal")
    missing = bc_client.get(f"{bc.company_url}/items(11111111-2222-3333-4444-555555555555)",
                            timeout=10)  # fmt: skip
    _error(missing, 404, "Internal_RecordNotFound")


def test_filters_take_unquoted_date_times_and_guids(bc, bc_client):
    before = services.records(bc.company, "items")[0]["lastModifiedDateTime"]
    services.clock_advance(60)
    services.item_set(bc.company, "MUG-STEEL", unit_price="21.00")
    url = f"{bc.company_url}/items"
    changed = bc_client.get(url, params={"$filter": f"lastModifiedDateTime gt {before}"},
                            timeout=10).json()["value"]  # fmt: skip
    assert [i["number"] for i in changed] == ["MUG-STEEL"] and changed[0]["unitPrice"] == 21
    by_id = bc_client.get(url, params={"$filter": f"id eq {bc.items['STOVE-1']}"}, timeout=10)
    assert [i["number"] for i in by_id.json()["value"]] == ["STOVE-1"]
    text = bc_client.get(url, params={
        "$filter": "startswith(number,'JACKET') and unitPrice ge 199 and contains(displayName,'jacket M')",
        "$select": "number,unitPrice"}, timeout=10).json()["value"]  # fmt: skip
    assert [set(i) for i in text] == [{"@odata.etag", "number", "unitPrice"}]
    assert [i["number"] for i in text] == ["JACKET-M"]
    ordered = bc_client.get(url, params={"$orderby": "unitPrice desc", "$top": "2", "$skip": "1"},
                            timeout=10).json()["value"]  # fmt: skip
    assert [i["number"] for i in ordered] == ["JACKET-L", "JACKET-M"]
    counted = bc_client.get(url, params={"$count": "true", "$top": "1",
                                         "$filter": "startswith(number,'JACKET')"},
                            timeout=10).json()  # fmt: skip
    assert counted["@odata.count"] == 3 and len(counted["value"]) == 1
    bad = bc_client.get(url, params={"$filter": "number eq"}, timeout=10)
    _error(bad, 400, "BadRequest")


def test_server_driven_paging_follows_next_links(bc, bc_client):
    url = f"{bc.company_url}/items"
    page = bc_client.get(url, headers={"Prefer": "odata.maxpagesize=3"}, timeout=10)
    assert page.headers["Preference-Applied"] == "odata.maxpagesize=3"
    seen = [i["number"] for i in page.json()["value"]]
    link = page.json()["@odata.nextLink"]
    assert "$skiptoken=" in link
    while link:
        body = bc_client.get(link, headers={"Prefer": "odata.maxpagesize=3"}, timeout=10).json()
        seen += [i["number"] for i in body["value"]]
        link = body.get("@odata.nextLink")
    assert sorted(seen) == sorted(bc.items) and len(seen) == 7
    services.limits_set(bc.environment, max_page_size=5)
    capped = bc_client.get(url, timeout=10).json()
    assert len(capped["value"]) == 5 and "@odata.nextLink" in capped


def test_customers_create_patch_with_etag_and_delete(bc, bc_client):
    url = f"{bc.company_url}/customers"
    made = bc_client.post(url, json={"displayName": "Ada Shopper", "email": "ada@example.com",
                                     "taxLiable": True,
                                     "taxAreaId": bc.tax_areas["GST10"]}, timeout=10)  # fmt: skip
    assert made.status_code == 201, made.text
    customer = made.json()
    assert customer["number"] == "C00020"  # the template took C00010
    assert customer["taxAreaDisplayName"] == "GST 10 %"
    one = f"{url}({customer['id']})"
    _error(bc_client.patch(one, json={"phoneNumber": "1"}, timeout=10), 400, "BadRequest")
    ok = bc_client.patch(one, json={"phoneNumber": "555-0100"},
                         headers={"If-Match": customer["@odata.etag"]}, timeout=10)  # fmt: skip
    assert ok.status_code == 200 and ok.json()["phoneNumber"] == "555-0100"
    assert ok.json()["@odata.etag"] != customer["@odata.etag"]
    stale = bc_client.patch(one, json={"phoneNumber": "2"},
                            headers={"If-Match": customer["@odata.etag"]}, timeout=10)  # fmt: skip
    assert "Another user has already changed the record" in _error(
        stale, 409, "Request_EntityChanged"
    )
    star = bc_client.patch(one, json={"city": "Springfield"}, headers={"If-Match": "*"},
                           timeout=10)  # fmt: skip
    assert star.json()["city"] == "Springfield"
    gone = bc_client.delete(one, headers={"If-Match": star.json()["@odata.etag"]}, timeout=10)
    assert gone.status_code == 204
    kinds = list(BcChange.objects.filter(record_id=customer["id"])
                 .order_by("pk").values_list("change_type", flat=True))  # fmt: skip
    assert kinds == ["created", "updated", "updated", "deleted"]


def test_bodies_are_checked_as_bc_checks_them(bc, bc_client):
    url = f"{bc.company_url}/customers"
    unknown = bc_client.post(url, json={"displayName": "X", "favouriteColour": "red"}, timeout=10)
    assert "does not exist on type 'Microsoft.NAV.customer'" in _error(unknown, 400, "BadRequest")
    read_only = bc_client.post(url, json={"displayName": "X", "balanceDue": 5}, timeout=10)
    assert "balanceDue" in _error(read_only, 400, "BadRequest")
    long = bc_client.post(url, json={"displayName": "X" * 101}, timeout=10)
    assert "must be less than or equal to 100 characters" in _error(long, 400, "BadRequest")
    wrong_type = bc_client.post(url, json={"displayName": "X", "taxLiable": "yes"}, timeout=10)
    _error(wrong_type, 400, "BadRequest")
    not_json = bc_client.post(url, data="{", headers={"Content-Type": "application/json"},
                              timeout=10)  # fmt: skip
    _error(not_json, 400, "BadRequest")
    nan = bc_client.post(url, data='{"displayName": "X", "creditLimit": NaN}',
                         headers={"Content-Type": "application/json"}, timeout=10)  # fmt: skip
    _error(nan, 400, "BadRequest")
    stock = bc_client.post(f"{bc.company_url}/items", json={"number": "NEW-1", "inventory": 4},
                           timeout=10)  # fmt: skip
    message = _error(stock, 400, "Application_DialogException")
    assert message.startswith("Inventory cannot be changed during on insert.")


def test_item_prices_and_stock_change_through_patch(bc, bc_client):
    url = f"{bc.company_url}/items({bc.items['STOVE-1']})"
    item = bc_client.get(url, timeout=10).json()
    changed = bc_client.patch(url, json={"unitPrice": 95.5, "inventory": 12},
                              headers={"If-Match": item["@odata.etag"]}, timeout=10)  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert changed.json()["unitPrice"] == 95.5 and changed.json()["inventory"] == 12


def test_hostile_queries_and_bodies_are_plain_400s(bc, bc_client):
    url = f"{bc.company_url}/items"
    deep = "(" * 5000 + "number eq 'x'" + ")" * 5000
    _error(bc_client.get(url, params={"$filter": deep}, timeout=10), 400, "BadRequest")
    mixed = bc_client.get(url, params={"$filter": "unitPrice gt 'abc'"}, timeout=10)
    _error(mixed, 400, "BadRequest")
    _error(bc_client.get(url, params={"$skiptoken": "LTU="}, timeout=10), 400, "BadRequest")
    _error(bc_client.get(url, params={"$top": "-1"}, timeout=10), 400, "BadRequest")
    nested = '{"displayName": ' + "[" * 100_000 + "]" * 100_000 + "}"
    body = bc_client.post(f"{bc.company_url}/customers", data=nested,
                          headers={"Content-Type": "application/json"}, timeout=10)  # fmt: skip
    _error(body, 400, "BadRequest")
    batch = bc_client.post(f"{bc.api_url}/$batch", data=nested,
                           headers={"Content-Type": "application/json"}, timeout=10)  # fmt: skip
    _error(batch, 400, "BadRequest")
