"""Job lifecycle: infrastructure outages are transient, dead runs are reclaimed, budget waits are not attempts, one pending dispatch, fair choice across tenants.

See tests/support/mutations.py for the fields."""

from tests.support.mutations import Mutation

MUTATIONS: list[Mutation] = []
