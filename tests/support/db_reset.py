"""The end of a transactional test (live server, Celery worker): the database back to its state
after migrate, faster than Django's flush.

Django's flush TRUNCATEs every table (about a second for ~90 tables on PostgreSQL, most of them
empty), then re-runs post_migrate to make the content types and permissions again. Here only the
tables a test wrote to are emptied, with DELETE (cheaper than TRUNCATE for a few rows, and the
same statement on SQLite), and the rows migrate made (content types, permissions) are kept, put
back only if a test changed them. Sequences go on counting, as after Django's flush
(reset_sequences=False). Foreign keys are deferred (Django makes them DEFERRABLE INITIALLY
DEFERRED on both backends), so the order of the deletes does not matter inside the transaction.
"""

from django.db import IntegrityError, connections, transaction

# Every table name below comes from Django's own introspection, quoted: no outside input (S608).

# SQLite refuses a compound SELECT of more than 500 parts.
CHUNK = 200

# {database alias: {table: (column names, rows ordered by the first column)}}, taken once per
# session after migrate.
_made_by_migrate: dict[str, dict[str, tuple[list[str], list[tuple]]]] = {}


def _tables(connection) -> list[str]:
    # The tables Django's flush would empty: the models' tables, no views.
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _non_empty(connection, tables: list[str]) -> list[str]:
    """The tables holding at least one row: one round trip per CHUNK tables."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for start in range(0, len(tables), CHUNK):
            chunk = tables[start : start + CHUNK]
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT {index} WHERE EXISTS (SELECT 1 FROM {quote(table)})"  # noqa: S608
                    for index, table in enumerate(chunk)
                )
            )
            found.extend(chunk[row[0]] for row in cursor.fetchall())
    return found


def _rows(connection, table: str) -> tuple[list[str], list[tuple]]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY 1")  # noqa: S608
        columns = [column[0] for column in cursor.description]
        return columns, [tuple(row) for row in cursor.fetchall()]


def remember_migrated_rows(alias: str = "default") -> None:
    """Called once the test database is migrated: the rows to keep (or put back) after each test."""
    connection = connections[alias]
    _made_by_migrate[alias] = {
        table: _rows(connection, table) for table in _non_empty(connection, _tables(connection))
    }


def knows(alias: str) -> bool:
    return alias in _made_by_migrate


def reset(alias: str = "default") -> list[str]:
    """Empties every table a test wrote to and puts back the rows migrate made (unless they are
    unchanged); returns the tables it emptied (for the test that proves no row leaks).

    A worker that outlives the test may still commit a row (an alert's incident for a job that
    just failed) between the scan for non-empty tables and the commit: the deferred foreign key
    check then refuses the commit. Scanning again takes that row too."""
    for _ in range(RESET_TRIES - 1):
        try:
            return _reset_once(alias)
        except IntegrityError:
            continue
    return _reset_once(alias)


RESET_TRIES = 3


def _reset_once(alias: str) -> list[str]:
    connection = connections[alias]
    kept = _made_by_migrate[alias]
    quote = connection.ops.quote_name
    emptied = []
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        for table in sorted(set(_non_empty(connection, _tables(connection))) | set(kept)):
            if table in kept and _rows(connection, table) == kept[table]:
                continue
            cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608
            emptied.append(table)
            columns, rows = kept.get(table, ([], []))
            if rows:
                names, values = ", ".join(map(quote, columns)), ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {quote(table)} ({names}) VALUES ({values})",  # noqa: S608
                    rows,
                )
    return emptied


def install() -> None:
    """Every TransactionTestCase (pytest-django's transactional_db and live_server among them)
    ends with reset() instead of Django's flush, once remember_migrated_rows() ran for its
    databases; the cases reset() does not cover (available_apps, serialized rollback) keep
    Django's own."""
    from django.test import TransactionTestCase

    if getattr(TransactionTestCase._fixture_teardown, "resets", False):
        return
    flush = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        aliases = self._databases_names(include_mirrors=False)
        if (
            self.available_apps is not None
            or self.serialized_rollback
            or not all(map(knows, aliases))
        ):
            return flush(self)
        for alias in aliases:
            reset(alias)

    _fixture_teardown.resets = True
    TransactionTestCase._fixture_teardown = _fixture_teardown
