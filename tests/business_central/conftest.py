"""Fixtures of the Business Central tests: `bc` (a sandbox tenant, app, environment and company)
and `bc_client` (a session with its token); see tests/support/bc_sandbox.py."""

from tests.support.bc_sandbox import bc, bc_client  # noqa: F401
