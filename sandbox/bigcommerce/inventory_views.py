"""The Inventory API (inventory.v3.yml): locations, stock per location, absolute and relative
adjustments, one write at a time per store."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox.bigcommerce import inventory
from sandbox.bigcommerce.gate import api, json_body
from sandbox.bigcommerce.models import BcProduct, BcStock, BcVariant, Tracking
from sandbox.bigcommerce.paging import v3_page

ITEMS_LIMIT = 1000  # "Limit of 1000 items for payload length"
STATUS_CODES = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"


def problem(status: int, title: str, errors: dict | None = None) -> JsonResponse:
    """The Inventory API's errors are application/problem+json."""
    body = {"status": status, "title": title, "type": STATUS_CODES, "errors": errors or {}}
    return JsonResponse(body, status=status, content_type="application/problem+json")


def _ints(request, name) -> list[int] | None:
    value = request.GET.get(name, "")
    return [int(v) for v in value.split(",") if v.strip()] or None


def _texts(request, name) -> list[str] | None:
    return [v.strip() for v in request.GET.get(name, "").split(",") if v.strip()] or None


# --- locations ---------------------------------------------------------------------------------
def v3_location(location) -> dict:
    # UNCONFIRMED: locations.v3.yml is not among the shared files; the fields are those of
    # BigCommerce's Locations API as its guides show them (id, code, label, type_id, enabled...).
    return {
        "id": location.location_id, "code": location.code, "label": location.label,
        "description": "", "managed_by_external_source": False, "type_id": "PHYSICAL",
        "enabled": location.enabled, "storefront_visibility": True, "time_zone": "Australia/Sydney",
        "is_default": location.is_default,
    }  # fmt: skip


@csrf_exempt
@api("v3")
def locations(request, store):
    qs = store.locations.order_by("location_id")
    try:
        if ids := _ints(request, "location_id:in"):
            qs = qs.filter(location_id__in=ids)
    except ValueError:
        return problem(422, "Payload contains invalid fields", {"location_id:in": "integers"})
    return v3_page(request, qs, lambda chunk: [v3_location(x) for x in chunk])


# --- items ---------------------------------------------------------------------------------------
def _units(store) -> list[dict]:
    """Every inventory item of the store, in product order: each variant of a product tracked by
    variant, and the product itself otherwise (a simple product with its base variant)."""
    variants = {}
    for vid, pid, sku, label in (
        BcVariant.objects.filter(product__store=store)
        .order_by("pk")
        .values_list("pk", "product_id", "sku", "option_label")
    ):
        variants.setdefault(pid, []).append((vid, sku, label))
    units = []
    products = BcProduct.objects.filter(store=store).order_by("pk")
    for pid, sku, tracking in products.values_list("pk", "sku", "inventory_tracking"):
        options = [v for v in variants.get(pid, []) if v[2]]
        if tracking == Tracking.VARIANT and options:
            units += [{"product_id": pid, "variant_id": vid, "sku": vsku, "sku_id": vid,
                       "stock_variant": vid} for vid, vsku, _ in options]  # fmt: skip
            continue
        base = next((v for v in variants.get(pid, []) if not v[2]), None)
        unit = {"product_id": pid, "sku": sku, "sku_id": None, "stock_variant": None}
        if base:
            unit["variant_id"] = base[0]
        units.append(unit)
    return units


def _filtered(request, store) -> list[dict]:
    units = _units(store)
    if skus := _texts(request, "sku:in"):
        units = [u for u in units if u["sku"] in skus]
    if ids := _ints(request, "variant_id:in"):
        units = [u for u in units if u.get("variant_id") in ids]
    if ids := _ints(request, "product_id:in"):
        units = [u for u in units if u["product_id"] in ids]
    return units


def _levels(store, chunk: list[dict], locations) -> dict:
    products = {u["product_id"] for u in chunk}
    rows = BcStock.objects.filter(product_id__in=products, location__in=locations)
    return {(r.location_id, r.product_id, r.variant_id): r.quantity for r in rows}


def _settings() -> dict:
    return {"safety_stock": 0, "is_in_stock": True, "warning_level": 0, "bin_picking_number": ""}


def _identity(unit: dict, *, with_sku_id: bool) -> dict:
    identity = {k: unit[k] for k in ("sku", "variant_id", "product_id") if k in unit}
    if with_sku_id and unit["sku_id"] is not None:
        identity["sku_id"] = unit["sku_id"]
    return identity


@csrf_exempt
@api("v3")
def items(request, store):
    """Every item with its stock at each location (or those asked for)."""
    locations = store.locations.order_by("location_id")
    try:
        if ids := _ints(request, "location_id:in"):
            locations = locations.filter(location_id__in=ids)
        if codes := _texts(request, "location_code:in"):
            locations = locations.filter(code__in=codes)
        units = _filtered(request, store)
    except ValueError:
        return problem(422, "Payload contains invalid fields", {"filter": "integers expected"})
    locations = list(locations)

    def render(chunk):
        levels = _levels(store, chunk, locations)
        return [_item(u, locations, levels) for u in chunk]

    return v3_page(request, units, render, maximum=ITEMS_LIMIT)


def _level(levels: dict, location, unit: dict) -> int:
    return levels.get((location.pk, unit["product_id"], unit["stock_variant"]), 0)


def _item(unit: dict, locations, levels: dict) -> dict:
    at = [_at(loc, _level(levels, loc, unit)) for loc in locations]
    return {"identity": _identity(unit, with_sku_id=True), "locations": at}


def _location_item(unit: dict, location, levels: dict) -> dict:
    level = _level(levels, location, unit)
    return {"identity": _identity(unit, with_sku_id=False), "available_to_sell": level,
            "total_inventory_onhand": level, "settings": _settings()}  # fmt: skip


def _at(location, level: int) -> dict:
    return {
        "location_id": location.location_id, "location_code": location.code,
        "location_name": location.label, "available_to_sell": level,
        "total_inventory_onhand": level, "location_enabled": location.enabled,
        "settings": _settings(),
    }  # fmt: skip


@csrf_exempt
@api("v3")
def location_items(request, store, location_id):
    location = store.locations.filter(location_id=location_id).first()
    if location is None:
        return problem(404, f"Location with id {location_id} not found")
    try:
        units = _filtered(request, store)
    except ValueError:
        return problem(422, "Payload contains invalid fields", {"filter": "integers expected"})

    def render(chunk):
        levels = _levels(store, chunk, [location])
        return [_location_item(u, location, levels) for u in chunk]

    return v3_page(request, units, render, maximum=ITEMS_LIMIT)


# --- adjustments ---------------------------------------------------------------------------------
@csrf_exempt
@api("v3")
def adjust_absolute(request, store):
    if request.method != "PUT":
        return problem(405, "Absolute adjustments are sent with PUT.")
    return _adjust(request, store, relative=False)


@csrf_exempt
@api("v3")
def adjust_relative(request, store):
    if request.method != "POST":
        return problem(405, "Relative adjustments are sent with POST.")
    return _adjust(request, store, relative=True)


def _adjust(request, store, *, relative: bool) -> JsonResponse:
    try:
        with inventory.one_write_at_a_time(store):
            transaction_id = inventory.adjust(store, json_body(request), relative=relative)
    except inventory.Busy:
        # UNCONFIRMED: what BigCommerce answers to a second inventory write while one is being
        # processed. Its guide asks to wait for the 200 first; a 429 with the rate-limit headers
        # is the answer every client already waits out, so the sandbox sends that.
        response = JsonResponse(
            {"status": 429, "title": "Another inventory request of this store is being "
             "processed: wait for its answer before sending the next.", "type": STATUS_CODES},
            status=429,
        )  # fmt: skip
        response["X-Retry-After"] = "1"
        response["X-Rate-Limit-Time-Reset-Ms"] = "1000"
        return response
    except inventory.Refused as refused:
        return problem(422, refused.title, refused.errors)
    return JsonResponse({"transaction_id": transaction_id})
