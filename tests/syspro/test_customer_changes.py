"""SYSPRO → store customers: the customers stream of the linked customers. Pure: the batch
query."""

from connectors.syspro.customer_changes import _where


def test_a_batch_of_codes_is_one_where_of_ors():
    assert _where(["BC1", "BC2", "BC3"]) == [
        ("Customer", "EQ", "BC1"), ("Or", "Customer", "EQ", "BC2"), ("Or", "Customer", "EQ", "BC3"),
    ]  # fmt: skip
