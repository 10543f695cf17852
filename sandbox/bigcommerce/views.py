"""The store API: v2 orders, v3 customers, transactions, refunds, catalog look-ups and hooks."""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox.bigcommerce import shapes
from sandbox.bigcommerce.gate import api, json_body, no_content, v2_error, v3_error
from sandbox.bigcommerce.models import BcHook
from sandbox.bigcommerce.paging import page_args, v3_page

V2_MAX_LIMIT = 250


def _base(request, store) -> str:
    return request.build_absolute_uri(f"/sandbox/bigcommerce/stores/{store.store_hash}/v2")


def _date(value: str) -> datetime:
    """v2 filters accept RFC 2822 or ISO 8601."""
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _v2_list(rows, page: int, limit: int):
    chunk = rows[(page - 1) * limit : page * limit]
    return JsonResponse(chunk, safe=False) if chunk else no_content()


# --- v2 ----------------------------------------------------------------------------------------
@csrf_exempt
@api("v2")
def store_info(request, store):
    return JsonResponse({
        "id": store.store_hash, "domain": f"{store.store_hash}.sandbox.example", "name": store.name,
        "currency": store.currency, "plan_name": "Plus", "plan_level": "Plus", "status": "live",
        "timezone": {"name": "Australia/Sydney"},
    })  # fmt: skip


SORTS = {"id", "customer_id", "date_created", "date_modified", "status_id", "channel_id"}


@csrf_exempt
@api("v2")
def orders(request, store):
    args = page_args(request, maximum=V2_MAX_LIMIT)
    if args is None:
        return v2_error(400, "The page and limit parameters must be positive integers.")
    qs = store.orders.filter(is_deleted=False).prefetch_related(
        "lines", "refunds", "shipping_addresses"
    )
    try:
        qs = _orders_filtered(request, qs)
    except ValueError:
        return v2_error(400, "A filter parameter has an invalid value.")
    sort = request.GET.get("sort", "id:asc")
    field, _, direction = sort.partition(":")
    if field not in SORTS or direction not in ("asc", "desc", ""):
        return v2_error(400, f"Invalid sort {sort!r}.")
    field = "pk" if field == "id" else field
    qs = qs.order_by(f"{'-' if direction == 'desc' else ''}{field}", "pk")
    page, limit = args
    chunk = list(qs[(page - 1) * limit : page * limit])
    if not chunk:
        return no_content()
    base = _base(request, store)
    return JsonResponse([shapes.v2_order(o, base) for o in chunk], safe=False)


def _orders_filtered(request, qs):
    """The v2 order filters shared by the list and the count; ValueError on a bad value."""
    for param, lookup in (
        ("min_date_modified", "date_modified__gte"),
        ("max_date_modified", "date_modified__lte"),
        ("min_date_created", "date_created__gte"),
        ("max_date_created", "date_created__lte"),
    ):
        if request.GET.get(param):
            qs = qs.filter(**{lookup: _date(request.GET[param])})
    for param, lookup in (
        ("min_id", "pk__gte"),
        ("max_id", "pk__lte"),
        ("status_id", "status_id"),
        ("customer_id", "customer_id"),
    ):
        if request.GET.get(param):
            qs = qs.filter(**{lookup: int(request.GET[param])})
    return qs


@csrf_exempt
@api("v2")
def orders_count(request, store):
    """Orders per status, every status listed (with 0), in the control panel's order."""
    try:
        qs = _orders_filtered(request, store.orders.filter(is_deleted=False))
    except ValueError:
        return v2_error(400, "A filter parameter has an invalid value.")
    per_status = dict(qs.values_list("status_id").annotate(n=Count("pk")))
    statuses = [
        _status_count(status_id, position, per_status.get(status_id, 0))
        for position, status_id in enumerate(shapes.STATUS_ORDER)
    ]
    return JsonResponse({"statuses": statuses, "count": sum(per_status.values())})


def _status_count(status_id: int, position: int, count: int) -> dict:
    name = shapes.STATUS_NAMES[status_id]
    return {"id": status_id, "name": name, "system_label": name, "custom_label": name,
            "system_description": shapes.STATUS_DESCRIPTIONS[status_id], "count": count,
            "sort_order": position}  # fmt: skip


@csrf_exempt
@api("v2")
def order(request, store, order_id):
    found = store.orders.filter(pk=order_id, is_deleted=False).first()
    if found is None:
        return v2_error(404, "The requested resource was not found.")
    if request.method == "PUT":
        body = json_body(request)
        if not isinstance(body, dict) or set(body) - {"status_id", "customer_message"}:
            return v2_error(
                400, "Only status_id and customer_message can be written in the sandbox."
            )
        from sandbox.bigcommerce.services import set_order_status

        if "status_id" in body:
            if body["status_id"] not in shapes.STATUS_NAMES:
                return v2_error(400, "Invalid status_id.")
            set_order_status(found, body["status_id"])
        found.refresh_from_db()
    base = _base(request, store)
    body = shapes.v2_order(found, base)
    includes = set(_csv(request.GET.get("include", "")))
    if includes & CONSIGNMENT_INCLUDES and request.GET.get("consignment_structure") == "object":
        with_line_items = "consignments.line_items" in includes
        body["consignments"] = shapes.v2_consignments(found, base, with_line_items=with_line_items)
    return JsonResponse(body)


CONSIGNMENT_INCLUDES = {"consignments", "consignments.line_items"}


def _order_sub_list(request, store, order_id, rows_of):
    """A v2 order's sub-resource: a paged bare array, 204 past the end, 404 for no order."""
    found = store.orders.filter(pk=order_id).first()
    if found is None:
        return v2_error(404, "The requested resource was not found.")
    args = page_args(request, maximum=V2_MAX_LIMIT)
    if args is None:
        return v2_error(400, "The page and limit parameters must be positive integers.")
    return _v2_list(rows_of(found), *args)


@csrf_exempt
@api("v2")
def order_products(request, store, order_id):
    return _order_sub_list(
        request,
        store,
        order_id,
        lambda o: [shapes.v2_order_product(x) for x in o.lines.order_by("pk")],
    )


@csrf_exempt
@api("v2")
def order_shipping_addresses(request, store, order_id):
    return _order_sub_list(
        request, store, order_id,
        lambda o: [shapes.v2_shipping_address(x) for x in o.shipping_addresses.order_by("pk")],
    )  # fmt: skip


# --- v3 ----------------------------------------------------------------------------------------
def _v3_page(request, rows: list, shape) -> JsonResponse:
    return v3_page(request, rows, lambda chunk: [shape(r) for r in chunk])


@csrf_exempt
@api("v3")
def transactions(request, store, order_id):
    found = store.orders.filter(pk=order_id).first()
    if found is None:
        return v3_error(404, "Order not found")
    rows = list(found.transactions.order_by("pk"))
    if not rows:
        return no_content()
    return JsonResponse({"data": [shapes.v3_transaction(t) for t in rows], "meta": {}})


@csrf_exempt
@api("v3")
def refunds(request, store, order_id):
    found = store.orders.filter(pk=order_id).first()
    if found is None:
        return v3_error(404, "Order not found")
    rows = list(found.refunds.order_by("pk"))
    return JsonResponse({"data": [shapes.v3_refund(r) for r in rows], "meta": {}})


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


@csrf_exempt
@api("v3")
def customers(request, store):
    if request.method == "POST":
        return _customers_create(request, store)
    if request.method == "PUT":
        return _customers_update(request, store)
    qs = store.customers.order_by("pk")
    try:
        if request.GET.get("id:in"):
            qs = qs.filter(pk__in=[int(v) for v in _csv(request.GET["id:in"])])
        if request.GET.get("email:in"):
            qs = qs.filter(email__in=[v.lower() for v in _csv(request.GET["email:in"])])
        if request.GET.get("date_modified:min"):
            qs = qs.filter(date_modified__gte=_date(request.GET["date_modified:min"]))
    except ValueError:
        return v3_error(422, "Invalid filter", {"id:in": "must be integers"})
    include = "addresses" in _csv(request.GET.get("include", ""))
    return _v3_page(request, list(qs), lambda c: shapes.v3_customer(c, include))


def _customers_create(request, store):
    from sandbox.bigcommerce.services import customer_create

    body = json_body(request)
    if not isinstance(body, list) or not 1 <= len(body) <= 10:
        return v3_error(422, "Send an array of 1 to 10 customers.")
    for i, item in enumerate(body):
        missing = [
            f
            for f in ("first_name", "last_name", "email")
            if not (isinstance(item, dict) and item.get(f))
        ]
        if missing:
            return v3_error(
                422, "Input is invalid", {f"[{i}].{f}": "error.path.missing" for f in missing}
            )
    created = [customer_create(store, **{k: item.get(k, "") for k in ("email", "first_name", "last_name", "company", "phone")},
                               addresses=item.get("addresses") or []) for item in body]  # fmt: skip
    return JsonResponse({"data": [shapes.v3_customer(c, True) for c in created], "meta": {}})


# --- hooks -------------------------------------------------------------------------------------
HOOK_FIELDS = {"scope", "destination", "is_active", "headers"}


def _hook_errors(body, *, creating: bool) -> dict:
    errors = {}
    if not isinstance(body, dict):
        return {"body": "JSON object expected"}
    if creating:
        for field in ("scope", "destination"):
            if not body.get(field):
                errors[field] = "error.path.missing"
    elif not set(body) & HOOK_FIELDS:
        errors["body"] = "At least one field is required to perform an update."
    if "destination" in body and not str(body["destination"]).startswith(("https://", "http://")):
        errors["destination"] = "must be a URL"
    if "headers" in body and body["headers"] is not None and not isinstance(body["headers"], dict):
        errors["headers"] = "must be an object of strings"
    return errors


@csrf_exempt
@api("v3")
def hooks(request, store):
    if request.method == "POST":
        body = json_body(request)
        errors = _hook_errors(body, creating=True)
        if errors:
            return v3_error(422, "JSON data is missing or invalid", errors)
        try:
            with transaction.atomic():
                hook = BcHook.objects.create(
                    store=store, client_id=store.client_id, scope=body["scope"],
                    destination=body["destination"], headers=body.get("headers"),
                    is_active=body.get("is_active", True),
                )  # fmt: skip
        except IntegrityError:
            return v3_error(422, "A webhook for this scope and destination already exists.",
                            {"destination": "duplicate"})  # fmt: skip
        return JsonResponse({"data": shapes.v3_hook(hook), "meta": {}})
    qs = store.hooks.filter(client_id=store.client_id).order_by("pk")
    if request.GET.get("is_active") in ("true", "false"):
        qs = qs.filter(is_active=request.GET["is_active"] == "true")
    for field in ("scope", "destination"):
        if request.GET.get(field):
            qs = qs.filter(**{field: request.GET[field]})
    return _v3_page(request, list(qs), shapes.v3_hook)


@csrf_exempt
@api("v3")
def hook(request, store, hook_id):
    found = store.hooks.filter(pk=hook_id, client_id=store.client_id).first()
    if found is None:
        return v3_error(404, "Webhook not found")
    if request.method == "PUT":
        body = json_body(request)
        errors = _hook_errors(body, creating=False)
        if errors:
            return v3_error(422, "JSON data is missing or invalid", errors)
        for field in HOOK_FIELDS & set(body):
            setattr(found, field, body[field])
        try:
            found.save()
        except IntegrityError:
            return v3_error(422, "A webhook for this scope and destination already exists.")
    elif request.method == "DELETE":
        data = shapes.v3_hook(found)
        found.delete()
        return JsonResponse({"data": data, "meta": {}})
    return JsonResponse({"data": shapes.v3_hook(found), "meta": {}})


# --- customer updates (PUT /v3/customers, PUT /v3/customers/addresses): used by the MYOB
# connector to push changes made in the ERP back to the store ---------------------------------
CUSTOMER_UPDATE_FIELDS = ("email", "first_name", "last_name", "company", "phone")
ADDRESS_UPDATE_FIELDS = ("first_name", "last_name", "company", "address1", "address2", "city",
                         "state_or_province", "postal_code", "country", "country_code", "phone")  # fmt: skip


def _customers_update(request, store):
    from sandbox.bigcommerce.delivery import emit

    body = json_body(request)
    if (
        not isinstance(body, list)
        or not 1 <= len(body) <= 10
        or not all(isinstance(i, dict) and i.get("id") for i in body)
    ):
        return v3_error(422, "Send an array of 1 to 10 customers, each with its id.")
    found = {c.pk: c for c in store.customers.filter(pk__in=[i["id"] for i in body])}
    missing = [i["id"] for i in body if i["id"] not in found]
    if missing:
        return v3_error(422, "Input is invalid", {"id": f"customers {missing} not found"})
    for item in body:
        customer = found[item["id"]]
        for field in CUSTOMER_UPDATE_FIELDS:
            if field in item:
                setattr(
                    customer,
                    field,
                    (item[field] or "").lower() if field == "email" else item[field] or "",
                )
        customer.save()
        emit(store, "store/customer/updated", {"type": "customer", "id": customer.pk})
    return JsonResponse(
        {"data": [shapes.v3_customer(found[i["id"]], True) for i in body], "meta": {}}
    )


@csrf_exempt
@api("v3")
def customer_addresses(request, store):
    """PUT only (updates); address ids are positions within the customer's list here."""
    if request.method != "PUT":
        return v3_error(405, "Only PUT is served by the sandbox here.")
    body = json_body(request)
    if not isinstance(body, list) or not all(
        isinstance(i, dict) and i.get("id") and i.get("customer_id") for i in body
    ):
        return v3_error(422, "Send an array of addresses, each with its id and customer_id.")
    updated = []
    for item in body:
        customer = store.customers.filter(pk=item["customer_id"]).first()
        if customer is None or not 1 <= int(item["id"]) <= len(customer.addresses):
            return v3_error(422, "Input is invalid", {"id": f"address {item['id']} not found"})
        address = customer.addresses[int(item["id"]) - 1]
        address.update({k: item[k] for k in ADDRESS_UPDATE_FIELDS if k in item})
        customer.save(update_fields=["addresses", "date_modified"])
        updated.append({"id": int(item["id"]), "customer_id": customer.pk, **address})
    return JsonResponse({"data": updated, "meta": {}})
