"""The sandbox BC's webhook subscriptions (`api/v2.0/subscriptions`, environment level): create
with the validation handshake, read, renew by PATCH (If-Match, the handshake again, three more
days), delete. Sources: dev-itpro/api-reference/v2.0/dynamics-subscriptions.md and
api/dynamics_subscriptions_{create,update}.md, resources/dynamics_subscriptions.md (fields),
operational-limits-online.md (200 per environment).

Error codes and wording for a refused subscription (unsupported resource, failed handshake, the
200 limit) are not documented: UNCONFIRMED, in BC's `{"error": {"code", "message"}}` shape.
"""

import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from sandbox.business_central import clock
from sandbox.business_central.errors import (
    bad_request,
    entity_changed,
    no_concurrency_token,
    record_not_found,
)
from sandbox.business_central.models import (
    BcApp,
    BcChange,
    BcCompany,
    BcEnvironment,
    BcSubscription,
)
from sandbox.business_central.notify import handshake
from sandbox.business_central.records import etag
from sandbox.business_central.schema import ENTITY_SETS

EXPIRES_AFTER = timedelta(days=3)  # online; on-premises the ApiSubscriptionExpiration setting
MAX_CLIENT_STATE = 2048
MAX_URL = 1000
# The docs' list of entities that notify (dynamics-subscriptions.md), as far as this sandbox
# serves them.
WEBHOOK_ENTITIES = frozenset({
    "accounts", "companyInformation", "countriesRegions", "currencies",
    "customerPaymentJournals", "customers", "dimensions", "employees", "generalLedgerEntries",
    "itemCategories", "items", "journals", "paymentMethods", "paymentTerms", "purchaseInvoices",
    "salesCreditMemos", "salesInvoices", "salesOrders", "salesQuotes", "shipmentMethods",
    "unitsOfMeasure", "vendors",
}) & frozenset(ENTITY_SETS)  # fmt: skip
_RESOURCE = re.compile(
    r"^/?api/v2\.0/companies\((?P<company>[0-9a-fA-F-]{36})\)/(?P<entity>[A-Za-z]+)$"
)


def max_subscriptions() -> int:
    return getattr(settings, "SANDBOX_BC_MAX_SUBSCRIPTIONS", 200)


def resource_target(environment: BcEnvironment, resource: str) -> tuple[BcCompany, str]:
    """The company and entity set a subscription's resource names; 400 otherwise."""
    match = _RESOURCE.match(resource or "")
    if not match:
        raise bad_request(f"The resource '{resource[:300]}' is not a supported webhook "
                          "resource: use /api/v2.0/companies(<id>)/<entity set>.")  # fmt: skip
    if match["entity"] not in WEBHOOK_ENTITIES:
        raise bad_request(f"The entity '{match['entity']}' does not support webhooks.")
    company = BcCompany.objects.filter(environment=environment, pk=match["company"]).first()
    if company is None:
        raise bad_request(f"The company '{match['company']}' does not exist.")
    return company, match["entity"]


def subscription_etag(subscription: BcSubscription) -> str:
    return etag(f"{subscription.subscription_id};", subscription.version)


def stamp(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def as_entity(subscription: BcSubscription) -> dict:
    """The subscription as the API shows it (resources/dynamics_subscriptions.md)."""
    user = uuid.uuid5(uuid.NAMESPACE_URL, f"app:{subscription.app_id}") if subscription.app_id \
        else uuid.UUID(int=0)  # fmt: skip
    return {
        "@odata.etag": subscription_etag(subscription),
        "subscriptionId": subscription.subscription_id,
        "notificationUrl": subscription.notification_url,
        "resource": subscription.resource,
        "timestamp": int(subscription.modified.timestamp() * 1000),
        "userId": str(user),
        "lastModifiedDateTime": stamp(subscription.modified),
        "clientState": subscription.client_state,
        "expirationDateTime": stamp(subscription.expiration),
        "systemCreatedAt": stamp(subscription.created),
        "systemCreatedBy": str(user),
        "systemModifiedAt": stamp(subscription.modified),
        "systemModifiedBy": str(user),
    }


def _text(body: dict, name: str, limit: int, *, required: bool) -> str:
    value = body.get(name, "" if not required else None)
    if value is None or not isinstance(value, str) or (required and not value.strip()):
        raise bad_request(f"The property '{name}' is required." if value in (None, "")
                          else f"The property '{name}' must be text.")  # fmt: skip
    if len(value) > limit:
        raise bad_request(f"The length of the string is {len(value)}, but it must be less "
                          f"than or equal to {limit} characters. Value: {value[:40]}…")  # fmt: skip
    return value


def _url(body: dict) -> str:
    url = _text(body, "notificationUrl", MAX_URL, required=True)
    if not url.lower().startswith(("https://", "http://")):
        raise bad_request(f"The notification URL '{url[:200]}' is not an absolute URL.")
    return url


def subscription_create(environment: BcEnvironment, app: BcApp | None, body) -> BcSubscription:
    """POST subscriptions: checked, handshake, then created (201). The handshake runs before
    anything is stored: a subscriber that fails it gets a 400 and no subscription."""
    if not isinstance(body, dict):
        raise bad_request("The request body must be a subscription object.")
    url = _url(body)
    resource = _text(body, "resource", 500, required=True)
    client_state = _text(body, "clientState", MAX_CLIENT_STATE, required=False)
    unknown = sorted(set(body) - {"notificationUrl", "resource", "clientState", "@odata.etag"})
    if unknown:
        raise bad_request(f"The property '{unknown[0]}' does not exist on type "
                          "'Microsoft.NAV.subscription'.")  # fmt: skip
    company, entity_set = resource_target(environment, resource)
    if environment.subscriptions.count() >= max_subscriptions():
        raise bad_request(f"The maximum number of subscriptions ({max_subscriptions()}) has "
                          "been reached.", code="BadRequest_MaxSubscriptions")  # fmt: skip
    handshake(environment, url)
    now = clock.now()
    with transaction.atomic():
        last_change = (
            BcChange.objects.filter(company=company, entity_set=entity_set)
            .order_by("-pk").values_list("pk", flat=True).first()
        )  # fmt: skip
        return BcSubscription.objects.create(
            environment=environment, subscription_id=uuid.uuid4().hex, app=app,
            notification_url=url, resource=resource, client_state=client_state,
            expiration=now + EXPIRES_AFTER, created=now, modified=now,
            notified_through=last_change or 0,
        )  # fmt: skip


def subscription_get(environment: BcEnvironment, subscription_id: str) -> BcSubscription:
    found = BcSubscription.objects.filter(
        environment=environment, subscription_id=subscription_id
    ).first()
    if found is None:
        raise record_not_found("API Webhook Subscription", "Subscription Id", subscription_id)
    return found


def _matches(subscription: BcSubscription, if_match: str) -> None:
    if not if_match:
        raise no_concurrency_token()
    if if_match.strip() != "*" and if_match.strip() != subscription_etag(subscription):
        raise entity_changed()


def subscription_renew(environment, subscription_id: str, body, if_match: str) -> BcSubscription:
    """PATCH subscriptions('<id>'): If-Match required (stale → 409), the handshake again, then
    three more days from now (200). notificationUrl and clientState may change with it."""
    if not isinstance(body, dict):
        raise bad_request("The request body must be a subscription object.")
    subscription = subscription_get(environment, subscription_id)
    _matches(subscription, if_match)
    url = _url(body) if "notificationUrl" in body else subscription.notification_url
    client_state = (
        _text(body, "clientState", MAX_CLIENT_STATE, required=False)
        if "clientState" in body else subscription.client_state
    )  # fmt: skip
    if "resource" in body and body["resource"] != subscription.resource:
        raise bad_request("The resource of a subscription cannot be changed.")
    handshake(environment, url)
    now = clock.now()
    with transaction.atomic():
        renewed = BcSubscription.objects.filter(
            pk=subscription.pk, version=subscription.version
        ).update(
            notification_url=url, client_state=client_state, expiration=now + EXPIRES_AFTER,
            modified=now, version=subscription.version + 1,
        )  # fmt: skip
    if not renewed:  # changed or deleted while the handshake ran
        raise entity_changed()
    subscription.refresh_from_db()
    return subscription


def subscription_delete(environment, subscription_id: str, if_match: str) -> None:
    subscription = subscription_get(environment, subscription_id)
    _matches(subscription, if_match)
    subscription.delete()


def subscription_list(environment: BcEnvironment) -> list[BcSubscription]:
    return list(environment.subscriptions.order_by("created", "pk"))
