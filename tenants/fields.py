"""Encrypted model fields that fail loudly.

`django-fernet-encrypted-fields` returns the ciphertext when a value cannot be decrypted (upstream
issue #46), turns `0`/`False`/`""` into NULL, and lets a filter compare ciphertexts. These subclasses
raise on a wrong or missing key, keep falsy values, and refuse lookups. Keys come from SECRET_KEY +
SECRET_KEY_FALLBACKS crossed with the SALT_KEY list: the first pair encrypts, every pair decrypts, so a
key is rotated by adding the new one in front, running `reencrypt_credentials`, then dropping the old.
"""

import base64
import functools
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from encrypted_fields.fields import EncryptedTextField


class CredentialDecryptionError(ImproperlyConfigured):
    """A stored secret could not be decrypted with any configured key."""


@functools.lru_cache(maxsize=8)
def _fernet(secret_keys: tuple[str, ...], salts: tuple[str, ...]) -> MultiFernet:
    keys = []
    for secret_key in secret_keys:
        for salt in salts:
            kdf = PBKDF2HMAC(
                algorithm=hashes.SHA256(), length=32, salt=salt.encode(), iterations=100_000
            )
            keys.append(Fernet(base64.urlsafe_b64encode(kdf.derive(secret_key.encode()))))
    return MultiFernet(keys)


def current_fernet() -> MultiFernet:
    """The key ring for the settings in force now (re-read, so tests and rotation see changes)."""
    salts = (
        settings.SALT_KEY if isinstance(settings.SALT_KEY, list | tuple) else [settings.SALT_KEY]
    )
    secret_keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not all(salts) or not all(secret_keys):
        raise ImproperlyConfigured("SECRET_KEY and SALT_KEY must be set to use encrypted fields.")
    return _fernet(tuple(secret_keys), tuple(salts))


@functools.lru_cache(maxsize=1024)
def _decrypt(key_ring: MultiFernet, ciphertext: str) -> str:
    """Decrypting costs more CPU than reading the row (webhook intake reads a client secret per
    delivery). The key ring is part of the key: a value is only ever returned by the keys in force."""
    return key_ring.decrypt(ciphertext.encode()).decode()


class _StrictEncryptedMixin:
    """Encrypt on the way in, decrypt only when reading from the database, raise on failure."""

    def encode_plaintext(self, value) -> str:
        return str(value)

    def decode_plaintext(self, text: str):
        return text

    def get_prep_value(self, value):
        if value is None:
            return None
        return current_fernet().encrypt(self.encode_plaintext(value).encode()).decode()

    def get_db_prep_value(self, value, connection, prepared=False):
        return value if prepared else self.get_prep_value(value)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        try:
            plaintext = _decrypt(current_fernet(), value)
        except (InvalidToken, UnicodeError) as exc:
            raise CredentialDecryptionError(
                f"{self.model.__name__}.{self.name} could not be decrypted: SECRET_KEY or SALT_KEY "
                "is not the key it was written with (add the old key to SECRET_KEY_FALLBACKS or "
                "SALT_KEY to read it, then run `manage.py reencrypt_credentials`)."
            ) from exc
        return self.decode_plaintext(plaintext)

    def to_python(self, value):
        # Plain Django semantics: values handed in by code or forms are already plaintext.
        return value

    def clean(self, value, model_instance):
        # Skip the library's clean(): it flags the shared field object to stop to_python()
        # decrypting, which ours never does.
        return models.Field.clean(self, value, model_instance)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted and cannot be filtered or searched "
            f"(lookup {lookup_name!r})."
        )

    def get_transform(self, lookup_name):
        raise FieldError(f"{self.model.__name__}.{self.name} is encrypted and has no transforms.")


class StrictEncryptedTextField(_StrictEncryptedMixin, EncryptedTextField):
    """A secret string (API token, client secret, password)."""


class StrictEncryptedJSONField(_StrictEncryptedMixin, EncryptedTextField):
    """A JSON document encrypted as a whole, so types (0, False, "") survive a round trip."""

    def encode_plaintext(self, value) -> str:
        return json.dumps(value, sort_keys=True)

    def decode_plaintext(self, text: str):
        return json.loads(text)

    def value_to_string(self, obj):
        return self.encode_plaintext(self.value_from_object(obj))


def encrypted_fields_of(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, _StrictEncryptedMixin)]
