"""Cursor pages, and one error shape for every kind of failure."""

from base64 import b64encode

import pytest

from tests.factories import SyncJobFactory

JOBS = "/api/v1/jobs/"


@pytest.mark.django_db
def test_cursor_pages_walk_every_row_once_even_as_new_rows_arrive(owner_api, connection):
    jobs = [SyncJobFactory(connection=connection) for _ in range(5)]
    seen, url = [], f"{JOBS}?page_size=2"
    while url:
        page = owner_api.get(url).json()
        seen += [row["id"] for row in page["results"]]
        if len(seen) == 2:
            SyncJobFactory(connection=connection)  # newer than the cursor: not on later pages
        url = page["next"]
    assert seen == sorted((j.pk for j in jobs), reverse=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"cursor={b64encode(bytes([255, 254])).decode()}", "cursor"),  # not text
        (f"cursor={b64encode(b'p=abc').decode()}", "cursor"),  # a position that is no id
        ("page_size=abc", "page_size"),
        ("page_size=0", "page_size"),
    ],
)
def test_bad_paging_is_a_400_with_the_field_named(owner_api, connection, query, field):
    response = owner_api.get(f"{JOBS}?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["details"]


@pytest.mark.django_db
def test_every_error_has_the_same_shape(owner_api, connection):
    cases = {
        "not_found": owner_api.get(f"{JOBS}999999/"),
        "method_not_allowed": owner_api.delete(f"/api/v1/connections/{connection.pk}/"),
        "parse_error": owner_api.post(
            "/api/v1/connections/", "{not json", content_type="application/json"
        ),
        "unsupported_media_type": owner_api.post(
            "/api/v1/connections/", "a=b", content_type="application/x-www-form-urlencoded"
        ),
    }
    for code, response in cases.items():
        error = response.json()["error"]
        assert (error["code"], set(error)) == (code, {"code", "message", "details"})
    unknown = owner_api.post("/api/v1/no-such-thing/1.5/")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
