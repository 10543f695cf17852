"""The Catalog API: products and variants, one at a time and in batches, per BigCommerce's files
(products_catalog.v3.yml, product-variants_catalog.v3.yml)."""

from datetime import UTC, datetime

from django.db.models import Prefetch
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from sandbox.bigcommerce import catalog, catalog_shapes, inventory
from sandbox.bigcommerce.gate import api, json_body, v3_error
from sandbox.bigcommerce.models import BcProduct, BcVariant
from sandbox.bigcommerce.paging import v3_page

PRODUCTS_BATCH, VARIANTS_BATCH = 10, 50
STATUS_CODES = "/api-docs/getting-started/api-status-codes"


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _ints(value: str) -> list[int]:
    return [int(v) for v in _csv(value)]


def _min_date(value: str) -> datetime:
    """`date_modified:min`: an ISO 8601 time, or a date, to which BigCommerce adds the current
    time of day ("the API automatically adds the current time of the request to the date")."""
    if len(value) == 10:
        day = datetime.fromisoformat(value).date()
        return datetime.combine(day, timezone.now().time(), tzinfo=UTC)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _fields(request) -> tuple[list[str], list[str]]:
    return _csv(request.GET.get("include_fields", "")), _csv(request.GET.get("exclude_fields", ""))


def _batch(request, limit: int, noun: str) -> tuple[list, list, JsonResponse | None]:
    """A batch PUT's rows and the integer ids among them, or the answer refusing the body: not
    an array of objects (422), or more rows than the endpoint takes (413)."""
    body = json_body(request)
    if not isinstance(body, list) or not body or not all(isinstance(r, dict) for r in body):
        message = f"The request body must be an array of {noun}, each with its id."
        return [], [], v3_error(422, message)
    if len(body) > limit:
        return [], [], _too_large(limit)
    ids = [r["id"] for r in body if isinstance(r.get("id"), int) and not isinstance(r["id"], bool)]
    return body, ids, None


def _too_large(limit: int) -> JsonResponse:
    title = f"The request payload is too large. The maximum items allowed in the array is {limit}"
    # The products file ends its text with a full stop, the variants file without one.
    title += "." if limit == PRODUCTS_BATCH else ""
    return v3_error(413, title, {})


def _products(store):
    return BcProduct.objects.filter(store=store).prefetch_related(
        Prefetch("variants", queryset=BcVariant.objects.order_by("pk"))
    )


def _render_products(request, products) -> list[dict]:
    include, exclude = _fields(request)
    with_variants = "variants" in _csv(request.GET.get("include", ""))
    levels = inventory.default_levels(products)
    rendered = []
    for product in products:
        body = catalog_shapes.v3_product(product, levels)
        if with_variants:
            body["variants"] = [
                catalog_shapes.v3_variant(v, levels, product) for v in product.variants.all()
            ]
        rendered.append(catalog_shapes.trimmed(body, include, exclude))
    return rendered


def _render_variants(request, variants) -> list[dict]:
    include, exclude = _fields(request)
    levels = inventory.default_levels({v.product for v in variants})
    return [
        catalog_shapes.trimmed(catalog_shapes.v3_variant(v, levels), include, exclude)
        for v in variants
    ]


# --- products ----------------------------------------------------------------------------------
@csrf_exempt
@api("v3")
def products(request, store):
    if request.method == "PUT":
        return _products_update(request, store)
    qs = _products(store).order_by("pk")
    try:
        if request.GET.get("id"):
            qs = qs.filter(pk=int(request.GET["id"]))
        if request.GET.get("id:in"):
            qs = qs.filter(pk__in=_ints(request.GET["id:in"]))
        if request.GET.get("sku"):
            qs = qs.filter(sku=request.GET["sku"])
        if request.GET.get("sku:in"):
            qs = qs.filter(sku__in=_csv(request.GET["sku:in"]))
        if request.GET.get("date_modified:min"):
            qs = qs.filter(date_modified__gte=_min_date(request.GET["date_modified:min"]))
    except ValueError as exc:
        return v3_error(422, "Invalid filter", {"filter": str(exc)})
    return v3_page(request, qs, lambda chunk: _render_products(request, chunk))


def _products_update(request, store):
    """Batch PUT: at most 10; rows that fail are reported beside those done (207)."""
    body, ids, refused = _batch(request, PRODUCTS_BATCH, "products")
    if refused:
        return refused
    found = {p.pk: p for p in _products(store).filter(pk__in=ids)}
    done, failed = [], {}
    for index, row in enumerate(body):
        row_id = row.get("id")
        key = str(row_id) if isinstance(row_id, int) else f"[{index}]"
        product = found.get(row_id) if isinstance(row_id, int) else None
        if row_id is None:
            failed[key] = "id: a product id is required to update a product in a batch"
            continue
        if product is None:
            failed[key] = f"id: product {row_id} not found"
            continue
        change = catalog.product_change(store, product, row)
        if change.errors:
            failed[key] = change.message()
            continue
        done.append(catalog.product_apply(product, change))
    data = _render_products(request, list(_products(store).filter(pk__in=[p.pk for p in done])))
    if not failed:
        return JsonResponse({"data": data, "meta": {}})
    # UNCONFIRMED: how BigCommerce keys a failed row in a batch's 207. The file gives one
    # errorMultiStatus object; here each failed row is keyed by its product id (or "[index]"
    # when it has none) in its `errors`.
    errors = {"status": 422, "title": f"{len(failed)} of {len(body)} products were not updated.",
              "type": STATUS_CODES, "errors": failed}  # fmt: skip
    meta = {"pagination": {"total": len(data), "count": len(data), "per_page": PRODUCTS_BATCH,
                           "current_page": 1, "total_pages": 1, "links": {}}}  # fmt: skip
    return JsonResponse({"data": data, "errors": errors, "meta": meta}, status=207)


def _product_or_404(store, product_id):
    product = _products(store).filter(pk=product_id).first()
    if product is None:
        return None, v3_error(404, "The requested product was not found.")
    return product, None


@csrf_exempt
@api("v3")
def product(request, store, product_id):
    found, missing = _product_or_404(store, product_id)
    if missing:
        return missing
    if request.method == "PUT":
        body = json_body(request)
        if not isinstance(body, dict):
            return v3_error(422, "The request body must be a product object.")
        change = catalog.product_change(store, found, body)
        if change.errors:
            return v3_error(422, "JSON data is missing or invalid", change.errors)
        catalog.product_apply(found, change)
        found, _ = _product_or_404(store, product_id)
    return JsonResponse({"data": _render_products(request, [found])[0], "meta": {}})


# --- variants ----------------------------------------------------------------------------------
@csrf_exempt
@api("v3")
def product_variants(request, store, product_id):
    found, missing = _product_or_404(store, product_id)
    if missing:
        return missing
    qs = found.variants.select_related("product").order_by("pk")
    return v3_page(request, qs, lambda chunk: _render_variants(request, chunk))


@csrf_exempt
@api("v3")
def product_variant(request, store, product_id, variant_id):
    variant = (
        BcVariant.objects.select_related("product__store")
        .filter(pk=variant_id, product_id=product_id, product__store=store)
        .first()
    )
    if variant is None:
        return v3_error(404, "The requested variant was not found.")
    if request.method == "PUT":
        body = json_body(request)
        if not isinstance(body, dict):
            return v3_error(422, "The request body must be a variant object.")
        change = catalog.variant_change(store, variant, body)
        if change.errors:
            return v3_error(422, "JSON data is missing or invalid", change.errors)
        catalog.variant_apply(variant, change)
        variant.refresh_from_db()
    return JsonResponse({"data": _render_variants(request, [variant])[0], "meta": {}})


@csrf_exempt
@api("v3")
def variants(request, store):
    if request.method == "PUT":
        return _variants_update(request, store)
    qs = BcVariant.objects.filter(product__store=store).select_related("product").order_by("pk")
    try:
        if request.GET.get("id"):
            qs = qs.filter(pk=int(request.GET["id"]))
        if request.GET.get("sku"):
            qs = qs.filter(sku=request.GET["sku"])
        if request.GET.get("product_id:in"):
            qs = qs.filter(product_id__in=_ints(request.GET["product_id:in"]))
    except ValueError as exc:
        return v3_error(422, "Invalid filter", {"filter": str(exc)})
    return v3_page(request, qs, lambda chunk: _render_variants(request, chunk))


def _variants_update(request, store):
    """Batch PUT: at most 50. Failed rows answer 422 with one `batch_errors` entry each."""
    body, ids, refused = _batch(request, VARIANTS_BATCH, "variants")
    if refused:
        return refused
    found = {
        v.pk: v
        for v in BcVariant.objects.select_related("product__store").filter(
            product__store=store, pk__in=ids
        )
    }
    done, batch_errors = [], []
    for row in body:
        row_id = row.get("id")
        variant = found.get(row_id) if isinstance(row_id, int) else None
        if variant is None:
            what = (
                "creating variants in a batch is not served by the sandbox"
                if row_id is None
                else f"variant {row_id} not found"
            )
            batch_errors.append(_batch_error(row_id, what, {}))
            continue
        change = catalog.variant_change(store, variant, row)
        if change.errors:
            batch_errors.append(_batch_error(row_id, change.message(), change.errors))
            continue
        done.append(catalog.variant_apply(variant, change))
    if batch_errors:
        # UNCONFIRMED: whether BigCommerce still applies the valid rows of a batch that answers
        # 422. The sandbox does (a partial failure), and names each failed row's id.
        return JsonResponse({"batch_errors": batch_errors}, status=422)
    fresh = BcVariant.objects.select_related("product").filter(pk__in=[v.pk for v in done])
    return JsonResponse({"data": _render_variants(request, list(fresh.order_by("pk"))), "meta": {}})


def _batch_error(row_id, detail: str, errors: dict) -> dict:
    return {
        "status": 422,
        "title": f"Variant {row_id if row_id is not None else '(no id)'} was not updated: {detail}",
        "type": STATUS_CODES,
        "errors": {**errors, "id": row_id} if row_id is not None else errors,
    }
