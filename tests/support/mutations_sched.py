"""Scheduling: budget waits are not attempts, one pending dispatch per job, a fair choice across tenants.

See tests/support/mutations.py for the fields."""

from tests.support.mutations import Mutation

MUTATIONS: list[Mutation] = []
