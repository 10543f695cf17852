"""v3 offset pages: `page` and `limit` (default 50, at most 250) and meta.pagination."""

from django.db.models import QuerySet
from django.http import JsonResponse

from sandbox.bigcommerce.gate import v3_error

DEFAULT_LIMIT, MAX_LIMIT = 50, 250


def page_args(request, default=DEFAULT_LIMIT, maximum=MAX_LIMIT) -> tuple[int, int] | None:
    try:
        page = int(request.GET.get("page", 1))
        limit = int(request.GET.get("limit", default))
    except ValueError:
        return None
    if page < 1 or limit < 1:
        return None
    return page, min(limit, maximum)


def v3_page(request, rows, render_page, *, maximum=MAX_LIMIT) -> JsonResponse:
    """One page of `rows` (a list or a queryset, counted and sliced in the database), rendered by
    `render_page(chunk) -> list[dict]`."""
    args = page_args(request, maximum=maximum)
    if args is None:
        return v3_error(422, "Invalid paging parameters", {"page": "must be a positive integer"})
    page, limit = args
    total = rows.count() if isinstance(rows, QuerySet) else len(rows)
    pages = max(1, -(-total // limit))
    chunk = list(rows[(page - 1) * limit : page * limit])
    links = {"current": f"?page={page}&limit={limit}"}
    if page > 1:
        links["previous"] = f"?page={page - 1}&limit={limit}"
    if page < pages:
        links["next"] = f"?page={page + 1}&limit={limit}"
    meta = {"pagination": {"total": total, "count": len(chunk), "per_page": limit,
                           "current_page": page, "total_pages": pages, "links": links}}  # fmt: skip
    return JsonResponse({"data": render_page(chunk), "meta": meta})
