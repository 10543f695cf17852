"""Products and variants as the Catalog API renders them (product_Full, productVariant_Full):
money as numbers, ISO 8601 dates, the default location's stock, `include_fields` applied."""

from sandbox.bigcommerce.catalog import calculated_price, variant_prices
from sandbox.bigcommerce.models import Tracking
from sandbox.bigcommerce.shapes import iso


def _number(value):
    return None if value is None else float(value)


def base_variant(product):
    """A simple product's one variant (no option label); None for a product with options."""
    variants = list(product.variants.all())
    if len(variants) == 1 and not variants[0].option_label:
        return variants[0]
    return None


def product_level(product, levels: dict) -> int:
    if product.inventory_tracking == Tracking.VARIANT:
        return sum(
            levels.get((product.pk, v.pk), 0) for v in product.variants.all() if v.option_label
        )
    return levels.get((product.pk, None), 0)


def variant_level(variant, product, levels: dict) -> int:
    if not variant.option_label:
        return levels.get((product.pk, None), 0)  # the base variant is the product
    return levels.get((product.pk, variant.pk), 0)


def v3_product(product, levels: dict) -> dict:
    base = base_variant(product)
    return {
        "id": product.pk, "name": product.name, "type": "physical", "sku": product.sku,
        "description": "", "weight": 1.0, "width": 0.0, "depth": 0.0, "height": 0.0,
        "price": float(product.price), "cost_price": float(product.cost_price),
        # product_Full's retail_price is a number; an unset one reads 0 as in the control panel.
        "retail_price": float(product.retail_price or 0), "sale_price": float(product.sale_price),
        "map_price": 0.0, "tax_class_id": 0, "product_tax_code": "",
        "calculated_price": float(calculated_price(product.price, product.sale_price)),
        "categories": [23], "brand_id": 0, "option_set_display": "right",
        "inventory_level": product_level(product, levels), "inventory_warning_level": 0,
        "inventory_tracking": product.inventory_tracking,
        "reviews_rating_sum": 0, "reviews_count": 0, "total_sold": 0,
        "fixed_cost_shipping_price": 0.0, "is_free_shipping": False, "is_visible": True,
        "is_featured": False, "related_products": [-1], "warranty": "", "bin_picking_number": "",
        "layout_file": "product.html", "upc": "", "mpn": "", "gtin": "", "search_keywords": "",
        "availability": "available", "availability_description": "",
        "gift_wrapping_options_type": "any", "gift_wrapping_options_list": [], "sort_order": 0,
        "condition": "New", "is_condition_shown": False, "order_quantity_minimum": 0,
        "order_quantity_maximum": 0, "page_title": "", "meta_keywords": [],
        "meta_description": "", "date_created": iso(product.date_created),
        "date_modified": iso(product.date_modified), "view_count": 0,
        "preorder_release_date": None, "preorder_message": "", "is_preorder_only": False,
        "is_price_hidden": False, "price_hidden_label": "",
        "custom_url": {"url": f"/{product.sku.lower()}/", "is_customized": False},
        "base_variant_id": base.pk if base else None,
        "open_graph_type": "product", "open_graph_title": "", "open_graph_description": "",
        "open_graph_use_meta_description": True, "open_graph_use_product_name": True,
        "open_graph_use_image": True,
    }  # fmt: skip


def v3_variant(variant, levels: dict, product=None) -> dict:
    product = product or variant.product
    price, sale = variant_prices(variant, product)
    options = []
    if variant.option_label:
        option = {"id": variant.pk, "label": variant.option_label, "option_id": product.pk}
        options.append({**option, "option_display_name": "Size"})
    return {
        "id": variant.pk, "product_id": product.pk, "sku": variant.sku,
        # The Catalog API's sku_id (the v2 SKU) is null for a base variant.
        "sku_id": variant.pk if variant.option_label else None,
        "price": _number(variant.price), "sale_price": _number(variant.sale_price),
        "retail_price": _number(variant.retail_price),
        "cost_price": _number(variant.cost_price),
        "calculated_price": float(calculated_price(price, sale)),
        "weight": None, "width": None, "height": None, "depth": None, "calculated_weight": 1.0,
        "is_free_shipping": False, "fixed_cost_shipping_price": None,
        "purchasing_disabled": False, "purchasing_disabled_message": "", "image_url": "",
        "upc": "", "mpn": "", "gtin": "", "bin_picking_number": "",
        "inventory_level": variant_level(variant, product, levels), "inventory_warning_level": 0,
        "option_values": options,
    }  # fmt: skip


def trimmed(body: dict, include: list[str], exclude: list[str]) -> dict:
    """`include_fields` keeps the id and the named fields; `exclude_fields` drops the named
    (never the id). Sub-resources asked for with `include` stay."""
    if include:
        keep = {"id", "variants", *include}
        body = {k: v for k, v in body.items() if k in keep}
    if exclude:
        body = {k: v for k, v in body.items() if k == "id" or k not in exclude}
    return body
