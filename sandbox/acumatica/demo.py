"""The demo tenant's Acumatica connection: signed in to the sandbox instance `demo` as its API
user, its stock items the demo store's SKUs, and a push notification for them pointed at the
connection's receiver, so a stock or price change made "in Acumatica" reaches the store."""

from django.conf import settings
from django.db import transaction

from sandbox.acumatica import services
from sandbox.acumatica.models import AcuApp, AcuUser
from sandbox.catalog_seed import DEMO_SKUS, catalog_seed
from sandbox.demo_connection import DemoConnection

INSTANCE, TENANT = "demo", "DemoCo"
API_USER = "mlconnector"
WAREHOUSE = "WHOLESALE"
# The push notification's data query: the generic inquiry docs/catalog-push.md asks a person to create.
QUERY = "ML-StockItems"


def sign_in(connection) -> None:
    """As the settings form and 'Connect Acumatica' would leave it, with nothing typed in."""
    from connectors.acumatica.setup import connection_connect, is_connected, redirect_uri

    tenant = services.demo_instance(INSTANCE, TENANT)
    _items_seed(tenant)
    # Registered on every start: 'Connect Acumatica' signs in at this address (PORT may change).
    app = AcuApp.objects.filter(tenant=tenant).first() or services.app_create(tenant)
    AcuApp.objects.filter(pk=app.pk).update(redirect_uri=redirect_uri())
    user = AcuUser.objects.filter(tenant=tenant, username=API_USER).first()
    user = user or services.user_create(tenant, API_USER, f"demo-{app.client_secret[-12:]}")
    if not connection.erp_settings.get("client_id"):
        connection.erp_settings = {
            **connection.erp_settings,
            "instance_url": f"{settings.PUBLIC_BASE_URL}/sandbox/acumatica/{INSTANCE}",
            "tenant": TENANT, "client_id": app.client_id, "username": API_USER,
        }  # fmt: skip
        connection.erp_secrets = {"client_secret": app.client_secret, "password": user.password}
        connection.save(update_fields=["erp_settings", "erp_secrets"])
    if not is_connected(connection):
        connection_connect(connection, tokens=services.demo_tokens(app, user))
    _push_notification(tenant, connection)


def _items_seed(tenant) -> None:
    """The demo store's SKUs as stock items (less the few the seed says the ERP lacks), once."""
    seed = catalog_seed(DEMO_SKUS)
    have = {r.get("InventoryID") for r in services.plain_records(tenant, "StockItem")}
    if seed[0].skus()[0] in have:
        return
    for product in seed:
        if product.erp_lacks:
            continue
        for sku, price in _sku_prices(product):
            services.stock_item_set(
                tenant, sku, price=price, cost=product.cost, description=product.name,
                qty_by_warehouse={WAREHOUSE: product.stock},
            )  # fmt: skip


def _sku_prices(product):
    if not product.variants:
        return [(product.sku, product.price)]
    return [(v.sku, v.price if v.price is not None else product.price) for v in product.variants]


def _push_notification(tenant, connection) -> None:
    """The SM302000 row a person would add: the receiver's address and shared-secret header."""
    from connectors.acumatica.push import push_setup
    from sandbox.acumatica.models import AcuPushNotification
    from sandbox.acumatica.push import notification_create

    setup = push_setup(connection)
    AcuPushNotification.objects.filter(tenant=tenant, address=setup["address"]).delete()
    # After the seed's own change hooks, which run on commit in order: seeding is no change to send.
    transaction.on_commit(
        lambda: notification_create(
            tenant,
            address=setup["address"],
            header_name=setup["header_name"],
            header_value=setup["header_value"],
            query_name=QUERY,
        )
    )


DEMO = DemoConnection(
    "Demo store → Acumatica", "demo3", sign_in,
    {"endpoint_version": "24.200.001", "sign_in": "api_user", "document": "sales_order",
     "order_type": "SO", "customer_class": "WEB", "warehouse": WAREHOUSE,
     "payment_method": "BIGCOMMERCE", "cash_account": "10250"},
)  # fmt: skip
