"""The run command's demo: its Acumatica connection takes orders through the store's webhook and
sends stock item changes to the store through the push notification it sets up.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

DEMO = "tests/acumatica/test_demo.py"

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
]
