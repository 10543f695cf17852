import factory
from django.contrib.auth import get_user_model

from tenants.models import Connection, Membership, Role, Tenant


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}@example.com")
    email = factory.LazyAttribute(lambda u: u.username)
    is_staff = True


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant

    name = factory.Sequence(lambda n: f"Tenant {n}")
    slug = factory.Sequence(lambda n: f"tenant-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    tenant = factory.SubFactory(TenantFactory)
    role = Role.OWNER


class ConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Connection

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Store {n}")
    store_hash = factory.Sequence(lambda n: f"store{n}")
    bc_client_id = factory.Sequence(lambda n: f"client-id-{n}")
    bc_access_token = factory.Sequence(lambda n: f"bc-token-secret-{n:04d}")
    bc_client_secret = factory.Sequence(lambda n: f"bc-client-secret-{n:04d}")
    erp_kind = "myob"
    erp_settings = factory.LazyFunction(lambda: {"business_id": "", "company_file_username": ""})
    erp_secrets = factory.LazyFunction(lambda: {"company_file_password": "cf-password-secret"})


class SyncJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sync.SyncJob"

    connection = factory.SubFactory(ConnectionFactory)
    tenant = factory.LazyAttribute(lambda job: job.connection.tenant)
    kind = "order"
    source_id = factory.Sequence(lambda n: str(100 + n))


class InboundEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "webhooks.InboundEvent"

    connection = factory.SubFactory(ConnectionFactory)
    tenant = factory.LazyAttribute(lambda event: event.connection.tenant)
    scope = "store/order/created"
    dedupe_key = factory.Sequence(lambda n: f"key-{n}")
    resource_type = "order"
    resource_id = factory.Sequence(lambda n: str(500 + n))
    payload = factory.LazyAttribute(
        lambda e: {"scope": e.scope, "data": {"type": "order", "id": int(e.resource_id)}}
    )


class ApiCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "audit.ApiCall"

    connection = factory.SubFactory(ConnectionFactory)
    tenant = factory.LazyAttribute(lambda call: call.connection.tenant)
    system = "bigcommerce"
    operation = "order.get"
    method = "GET"
    url = "https://api.bigcommerce.com/stores/x/v2/orders/1"
    status_code = 200


class BulkRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sync.BulkRun"

    connection = factory.SubFactory(ConnectionFactory)
    tenant = factory.LazyAttribute(lambda run: run.connection.tenant)
    kind = "replay"
