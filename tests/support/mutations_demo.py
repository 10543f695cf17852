"""The run command's demo: its Acumatica connection takes orders through the store's webhook and
sends stock item changes to the store through the push notification it sets up; its Business
Central connection posts the demo store's orders and gives item changes back to the store.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

DEMO = "tests/acumatica/test_demo.py"
BC_DEMO = (
    "tests/business_central/test_demo_subscriptions.py::"
    "test_the_demo_connection_subscribes_posts_a_webhook_order_and_pushes_an_item_change"
)

MUTATIONS: list[Mutation] = [
    Mutation(
        name="demo-acumatica-no-push-notification",
        claim="the demo's Acumatica sends a stock item change to the demo store",
        path="sandbox/acumatica/demo.py",
        find="    _push_notification(tenant, connection)\n",
        replace="",
        tests=(f"{DEMO}::test_a_stock_item_changed_in_the_demo_acumatica_reaches_the_demo_store",),
    ),
    Mutation(
        name="demo-acumatica-seed-notified",
        claim="seeding the demo's stock items sends no push notification",
        path="sandbox/acumatica/demo.py",
        find="    transaction.on_commit(\n        lambda: notification_create(",
        replace="    (lambda now: now())(\n        lambda: notification_create(",
        tests=(f"{DEMO}::test_a_stock_item_changed_in_the_demo_acumatica_reaches_the_demo_store",),
    ),
    Mutation(
        name="demo-bc-no-demo-skus",
        claim="the demo's Business Central company has the demo store's SKUs as items",
        path="sandbox/business_central/demo.py",
        find="    _items_seed(company)\n    return company",
        replace="    return company",
        tests=(BC_DEMO,),
    ),
    Mutation(
        name="demo-bc-no-template",
        claim="the demo's Business Central connection creates customers like its template",
        path="sandbox/business_central/demo.py",
        find='        "customer_template": _template_number(company),\n',
        replace="",
        tests=(BC_DEMO,),
    ),
]
