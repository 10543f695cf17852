"""Fixtures of the Acumatica tests: `acu` (a sandbox instance with a tenant, an app and an API
user) and `acu_client` (signed in to it by a password-grant token); see
tests/support/acumatica_sandbox.py."""

from tests.support.acumatica_sandbox import acu, acu_client  # noqa: F401
