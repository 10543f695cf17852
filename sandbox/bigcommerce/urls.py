from django.urls import path

from sandbox.bigcommerce import catalog_views, inventory_views, views

store = "stores/<str:store_hash>"
urlpatterns = [
    path(f"{store}/v2/store", views.store_info),
    path(f"{store}/v2/orders", views.orders),
    path(f"{store}/v2/orders/count", views.orders_count),
    path(f"{store}/v2/orders/<int:order_id>", views.order),
    path(f"{store}/v2/orders/<int:order_id>/products", views.order_products),
    path(f"{store}/v2/orders/<int:order_id>/shipping_addresses", views.order_shipping_addresses),
    path(f"{store}/v2/orders/<int:order_id>/shippingaddresses", views.order_shipping_addresses),
    path(f"{store}/v3/orders/<int:order_id>/transactions", views.transactions),
    path(f"{store}/v3/orders/<int:order_id>/payment_actions/refunds", views.refunds),
    path(f"{store}/v3/customers", views.customers),
    path(f"{store}/v3/customers/addresses", views.customer_addresses),
    path(f"{store}/v3/catalog/products", catalog_views.products),
    path(f"{store}/v3/catalog/products/<int:product_id>", catalog_views.product),
    path(f"{store}/v3/catalog/products/<int:product_id>/variants", catalog_views.product_variants),
    path(
        f"{store}/v3/catalog/products/<int:product_id>/variants/<int:variant_id>",
        catalog_views.product_variant,
    ),
    path(f"{store}/v3/catalog/variants", catalog_views.variants),
    path(f"{store}/v3/inventory/locations", inventory_views.locations),
    path(f"{store}/v3/inventory/items", inventory_views.items),
    path(f"{store}/v3/inventory/locations/<int:location_id>/items", inventory_views.location_items),
    path(f"{store}/v3/inventory/adjustments/absolute", inventory_views.adjust_absolute),
    path(f"{store}/v3/inventory/adjustments/relative", inventory_views.adjust_relative),
    path(f"{store}/v3/hooks", views.hooks),
    path(f"{store}/v3/hooks/<int:hook_id>", views.hook),
]
