"""SYSPRO → store customers: the customers stream of the linked customers.

Pure: the version is a digest of the columns the store takes."""

from connectors.syspro.customer_changes import _where, customer_version

ADA = {"Customer": "BC1", "Name": "Ada Lovelace", "Email": "ada@example.com",
       "Telephone": "0400 000 000", "SoldToAddr1": "1 Main St", "SoldToAddr3": "Sydney"}  # fmt: skip


def test_the_version_is_a_digest_of_the_columns_the_store_takes():
    version = customer_version(ADA)
    assert customer_version({**ADA, "Name": " Ada Lovelace ", "CreditLimit": "5000"}) == version
    assert customer_version({**ADA, "Name": "Ada King"}) != version
    assert customer_version({**ADA, "SoldPostalCode": "2000"}) != version
    assert len(version) == 64  # ExternalLink keeps 64 characters


def test_a_batch_of_codes_is_one_where_of_ors():
    assert _where(["BC1", "BC2", "BC3"]) == [
        ("Customer", "EQ", "BC1"), ("Or", "Customer", "EQ", "BC2"), ("Or", "Customer", "EQ", "BC3"),
    ]  # fmt: skip
