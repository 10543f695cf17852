"""Events stored during a broker outage and the sandbox store's webhook sender.

See tests/support/mutations.py for the fields."""

from tests.support.mutations import Mutation

MUTATIONS: list[Mutation] = []
