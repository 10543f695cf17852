"""OData lists read through connectors/odata.py against a scripted vendor over real HTTP: the
query goes on the first request only, each next link is followed as given, in each vendor's page
shape, and a list that cannot be read to its end (a link back, pages without end, rows that are
not a list, a missing envelope) is a plain UnreadableAnswer instead of a short list or a loop."""

import pytest

from connectors.errors import UnreadableAnswer
from connectors.http import ApiClient, VendorRules
from connectors.odata import ODataClient, PageShape, options
from tests.support.scripted_server import Answer, ScriptedServer

V4 = PageShape("Business Central", rows="value", next_link="@odata.nextLink")
VERBOSE = PageShape("Exact Online", rows="results", next_link="__next", envelope="d")


@pytest.fixture
def server():
    with ScriptedServer() as srv:
        yield srv


def odata(server, shape, **kwargs) -> ODataClient:
    http = ApiClient(rules=VendorRules(system="odata-test"), base_url=server.url, max_attempts=1)
    return ODataClient(http, shape, **kwargs)


@pytest.mark.django_db
def test_the_pages_are_followed_by_their_links_and_the_query_is_sent_once(server):
    nxt = f"{server.url}/Customers?$skiptoken=2"
    server.answer(
        Answer(200, {"value": [{"No": "1"}, {"No": "2"}], "@odata.nextLink": nxt}),
        Answer(200, {"value": [{"No": "3"}]}),
    )
    query = options(select="No,Name", filter="Blocked eq false", top=2, orderby="")
    assert query == {"$select": "No,Name", "$filter": "Blocked eq false", "$top": 2}

    rows = odata(server, V4).list("Customers", query)

    assert [r["No"] for r in rows] == ["1", "2", "3"]
    assert (
        server.seen[0].path == "/Customers?%24select=No%2CName&%24filter=Blocked+eq+false&%24top=2"
    )
    assert server.seen[1].path == "/Customers?$skiptoken=2"


@pytest.mark.django_db
def test_a_verbose_page_is_read_inside_its_envelope(server):
    server.answer(
        Answer(200, {"d": {"results": [{"ID": "a"}], "__next": f"{server.url}/Accounts?p=2"}}),
        Answer(200, {"d": {"results": [{"ID": "b"}]}}),
    )
    assert [r["ID"] for r in odata(server, VERBOSE).list("Accounts", {})] == ["a", "b"]


@pytest.mark.django_db
def test_a_link_back_to_a_page_already_read_ends_the_read(server):
    server.answer(
        Answer(200, {"value": [{"No": "1"}], "@odata.nextLink": f"{server.url}/Items?p=2"}),
        Answer(200, {"value": [{"No": "2"}], "@odata.nextLink": f"{server.url}/Items?p=2"}),
    )
    with pytest.raises(UnreadableAnswer, match="not a new page's address"):
        odata(server, V4, max_pages=5).list("Items", {})
    assert len(server.seen) == 2


@pytest.mark.django_db
def test_pages_without_end_stop_at_the_cap(server):
    count = iter(range(1, 100))
    server.route = lambda seen: Answer(
        200, {"value": [{}], "@odata.nextLink": f"{server.url}/Items?p={next(count)}"}
    )
    with pytest.raises(UnreadableAnswer, match="more than 3 pages"):
        odata(server, V4, max_pages=3).list("Items", {})
    assert len(server.seen) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("shape", "page", "says"),
    [
        (V4, {"value": None}, "(value) with null where a list was expected"),
        (V4, {"value": {"No": "1"}}, "(value) with an object where a list was expected"),
        (VERBOSE, {"results": []}, "(d) with null where an object was expected"),
    ],
)
def test_a_page_not_of_its_shape_says_what_came(server, shape, page, says):
    server.answer(Answer(200, page))
    with pytest.raises(UnreadableAnswer) as refused:
        odata(server, shape).list("Items", {})
    assert says in refused.value.message and refused.value.message.startswith(shape.label)
