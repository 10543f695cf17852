"""The test suite's own machinery: a transactional test ends with the database as migrate left
it (tests/support/db_reset.py). Each breakage would let one test see another's rows.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

DB_RESET = "tests/support/db_reset.py"
LEAK_TEST = "tests/test_db_reset.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="db-reset-leaves-rows",
        claim="a transactional test sees no row an earlier one wrote (PostgreSQL)",
        path=DB_RESET,
        find="        for table in sorted(set(_non_empty(connection, _tables(connection))) | set(kept)):\n",
        replace="        for table in sorted(kept):\n",
        tests=(LEAK_TEST,),
    ),
    Mutation(
        name="db-reset-leaves-rows-embedded",
        claim="a transactional test sees no row an earlier one wrote (SQLite)",
        path=DB_RESET,
        find="        for table in sorted(set(_non_empty(connection, _tables(connection))) | set(kept)):\n",
        replace="        for table in sorted(kept):\n",
        tests=(LEAK_TEST,),
        env={"TEST_BACKEND": "embedded"},
    ),
    Mutation(
        name="db-reset-drops-migrated-rows",
        claim="the content types and permissions migrate made are put back when a test changed them",
        path=DB_RESET,
        find="            if rows:\n",
        replace="            if False:\n",
        tests=(LEAK_TEST,),
    ),
]
