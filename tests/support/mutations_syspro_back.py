"""SYSPRO → store: the customers stream of linked customers, the catalog push's item source and
the OData customer lookup. Each breakage is one claim the tests in tests/syspro/ make
(test_customer_changes, test_items, test_odata).

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

ITEMS = "tests/syspro/test_items.py"
ITEMS_PY = "connectors/syspro/items.py"
CUSTOMERS = "tests/syspro/test_customer_changes.py"
CHANGES_PY = "connectors/syspro/customer_changes.py"
SOURCE = f"{ITEMS}::test_the_source_reads_every_item_in_pages_then_only_the_changed_ones"
TO_STORE = f"{ITEMS}::test_a_price_and_stock_change_in_syspro_reach_the_stores_variant"
MALFORMED = f"{ITEMS}::test_a_malformed_item_is_a_plain_error_that_names_it"
RENAME = f"{CUSTOMERS}::test_a_rename_in_syspro_reaches_the_store_once_and_our_own_writes_never_come_back"
ODATA = "tests/syspro/test_odata.py"
CUSTOMERS_PY = "connectors/syspro/customers.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="syspro-items-every-item-every-time",
        claim="a push after the first reads only the SYSPRO items whose digest changed since",
        path=ITEMS_PY,
        find="            if since is None or kept.changed_at > since:\n",
        replace="            if True:\n",
        tests=(SOURCE, TO_STORE),
    ),
    Mutation(
        name="syspro-items-change-forgotten-on-failure",
        claim="a push that fails before moving its cursor finds the same SYSPRO change again",
        path=ITEMS_PY,
        find="            if since is None or kept.changed_at > since:\n",
        replace="            if since is None or kept in new or kept in moved:\n",
        tests=(SOURCE,),
    ),
    Mutation(
        name="syspro-items-stock-not-net-of-allocated",
        claim="the stock pushed is SYSPRO's on hand less allocated in the connection's warehouse",
        path=ITEMS_PY,
        find='        stock = {warehouse: on_hand - _number(stock_row, "QtyAllocated", MAX_QUANTITY)}\n',
        replace="        stock = {warehouse: on_hand}\n",
        tests=(
            SOURCE,
            f"{ITEMS}::test_an_items_stock_is_on_hand_less_allocated_in_the_warehouse_and_its_digest_follows",
        ),
    ),
    Mutation(
        name="syspro-items-digest-blind-to-price",
        claim="a price change alone makes a SYSPRO item changed",
        path=ITEMS_PY,
        find='    taken = {"sku": change.sku, "price": None if price is None else _plain(price),\n',
        replace='    taken = {"sku": change.sku, "price": None,\n',
        tests=(SOURCE, TO_STORE),
    ),
    Mutation(
        name="syspro-items-first-page-only",
        claim="every page of SYSPRO's stock items is read",
        path=ITEMS_PY,
        find="            after = codes[-1]\n",
        replace="            return\n",
        tests=(SOURCE,),
    ),
    Mutation(
        name="syspro-items-malformed-unnamed",
        claim="a malformed SYSPRO item is a plain error naming its stock code, not a crash",
        path=ITEMS_PY,
        find='            with reading(LABEL, f"the stock item {code[:40]!r}"):\n',
        replace='            with __import__("contextlib").nullcontext():\n',
        tests=(MALFORMED,),
    ),
    Mutation(
        name="syspro-customers-echo-listed",
        claim="the customers stream lists only SYSPRO customers changed from what we wrote or pushed",
        path=CHANGES_PY,
        find="            if r.erp_id.upper() in asked and r.version not in known[r.erp_id.upper()]\n",
        replace="            if r.erp_id.upper() in asked\n",
        tests=(RENAME,),
    ),
    Mutation(
        name="syspro-odata-not-asked",
        claim="a connection with SYSPRO's OData service set up finds customers there, not by COMFND",
        path=CUSTOMERS_PY,
        find="    if url := odata_url(api.connection):\n",
        replace="    if url := None:\n",
        tests=(ODATA,),
    ),
    Mutation(
        name="syspro-odata-failure-loses-the-customer",
        claim="the OData service failing falls back to COMFND: the order's customer is still found",
        path=CUSTOMERS_PY,
        find="        except ConnectorError as exc:\n            warning = (\n",
        replace="        except ConnectorError as exc:\n            raise\n            warning = (\n",
        tests=(ODATA,),
    ),
    Mutation(
        name="syspro-odata-fallback-unsaid",
        claim="the OData service's failure is a warning on the order's job",
        path=CUSTOMERS_PY,
        find="                said.append(warning)\n",
        replace="                pass\n",
        tests=(ODATA,),
    ),
    Mutation(
        name="syspro-customers-our-write-pushed-back",
        claim="a customer as our ARSSCS Add or Update left it is not pushed back to the store",
        path=CUSTOMERS_PY,
        find='        fields["written_version"] = mapping.customer_version(written)\n',
        replace="        pass\n",
        tests=(RENAME,),
    ),
    Mutation(
        name="syspro-items-invqry-price-unbounded",
        claim="an absurd INVQRY selling price is a plain error naming the item, not a price pushed",
        path=ITEMS_PY,
        find='    return _number({"SellingPrice": found}, "SellingPrice", MAX_AMOUNT) if found else None\n',
        replace="    return Decimal(found) if found else None\n",
        tests=(MALFORMED,),
    ),
]
