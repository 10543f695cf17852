"""Key rotation: a new SECRET_KEY or salt in front, the old one kept to read, `reencrypt_credentials`,
then the old one dropped — and every encrypted field of every model is still readable."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection as db
from django.test import override_settings

from tenants.fields import CredentialDecryptionError, encrypted_fields_of
from tenants.models import Connection, OAuthToken
from tests.factories import ConnectionFactory

NEW_KEY = "k3y-" + "q8Zr!x2@Lm#9vT$w7Yp%5Nc^3Bd&1Hf*0Js(6Kg)4Ae" * 2


def _raw_token(pk):
    with db.cursor() as cursor:
        cursor.execute("SELECT bc_access_token FROM tenants_connection WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _stored():
    """Every secret as read back from the database (raises if a key is missing)."""
    connections = [
        (c.bc_access_token, c.bc_client_secret, c.webhook_secret, c.erp_secrets)
        for c in Connection.objects.order_by("pk")
    ]
    tokens = [(t.access_token, t.refresh_token) for t in OAuthToken.objects.order_by("pk")]
    return connections, tokens


def _reencrypt() -> str:
    out = StringIO()
    call_command("reencrypt_credentials", "--batch-size", "2", stdout=out)
    return out.getvalue()


@pytest.fixture
def secrets_written_with_the_old_key(db):
    connections = [
        ConnectionFactory(bc_access_token=f"token-{n}", erp_secrets={"password": f"pw-{n}", "n": 0})
        for n in range(3)
    ]
    OAuthToken.objects.create(
        connection=connections[0], system="myob", access_token="at-1", refresh_token="rt-1"
    )
    return _stored()


def test_secret_key_rotation(settings, secrets_written_with_the_old_key):
    old_key = settings.SECRET_KEY
    first_pk = Connection.objects.values_list("pk", flat=True).order_by("pk")[0]
    before = _raw_token(first_pk)
    # The new key alone cannot read them yet.
    with (
        override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]),
        pytest.raises(CredentialDecryptionError),
    ):
        _stored()
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[old_key]):
        assert _stored() == secrets_written_with_the_old_key
        out = _reencrypt()
    assert "tenants.Connection: 3 rows re-encrypted" in out
    assert "tenants.OAuthToken: 1 rows re-encrypted" in out
    assert _raw_token(first_pk) != before

    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        assert _stored() == secrets_written_with_the_old_key
    with pytest.raises(CredentialDecryptionError):  # and the old key alone no longer can
        _stored()


def test_salt_rotation(settings, secrets_written_with_the_old_key):
    old_salts = list(settings.SALT_KEY)
    with override_settings(SALT_KEY=["new-salt"]), pytest.raises(CredentialDecryptionError):
        _stored()
    with override_settings(SALT_KEY=["new-salt", *old_salts]):
        assert _stored() == secrets_written_with_the_old_key
        _reencrypt()
    with override_settings(SALT_KEY=["new-salt"]):
        assert _stored() == secrets_written_with_the_old_key
    with pytest.raises(CredentialDecryptionError):
        _stored()


@pytest.mark.django_db
def test_the_command_covers_every_model_with_encrypted_fields():
    out = _reencrypt()
    models = [m for m in apps.get_models() if encrypted_fields_of(m) and not m._meta.proxy]
    assert models
    for model in models:
        assert f"{model._meta.label}: 0 rows re-encrypted" in out
