"""Items of the exactly-once work: a create is never sent blindly twice; one customer per shopper.

See tests/support/mutations.py for the fields."""

from tests.support.mutations import Mutation

MUTATIONS: list[Mutation] = []
