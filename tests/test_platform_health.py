"""GET /healthz against the real database and Redis broker."""

import socket

import pytest
from django.conf import settings
from django.test import override_settings

from config.celery import app


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # free again once closed: nothing listens there


@pytest.mark.django_db
def test_healthz_is_200_with_the_database_and_the_redis_broker_up(client):
    assert app.conf.broker_url.startswith("redis://")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(app.conf, "broker_url", f"redis://127.0.0.1:{_closed_port()}/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy" and body["database"] == "ok" and body["broker"] != "ok"


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["connector.example.com"], SECURE_SSL_REDIRECT=True)
def test_probes_by_address_over_http_get_an_answer(client):
    """Docker's and compose's probes call http://127.0.0.1:8000/healthz: neither the Host check
    nor the HTTPS redirect may turn that into a 400 or a 301."""
    assert not settings.DEBUG
    assert client.get("/healthz", HTTP_HOST="127.0.0.1:8000").status_code == 200
    # Everything else still gets both.
    assert client.get("/admin/login/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    assert client.get("/admin/login/", HTTP_HOST="connector.example.com").status_code == 301
