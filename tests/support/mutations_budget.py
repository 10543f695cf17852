"""The store's budget: store reads per order, skipping unchanged updates, starting waiting jobs on time.

See tests/support/mutations.py for the fields."""

from tests.support.mutations import Mutation

MUTATIONS: list[Mutation] = []
