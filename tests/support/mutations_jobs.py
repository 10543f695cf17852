"""Job lifecycle: outages of our own infrastructure are transient; dead runs are reclaimed, never run twice.

See tests/support/mutations.py for the fields."""

from tests.support.mutations import Mutation

MUTATIONS: list[Mutation] = []
