"""The sandbox Business Central's admin pages are the platform's: a superuser sees each list
(and can switch an environment's faults off); a tenant's owner sees none."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from sandbox.business_central import services
from sandbox.business_central.models import BcEnvironment
from tests.factories import UserFactory

MODELS = ["bctenant", "bcapp", "bcenvironment", "bccompany", "bcrecord", "bcchange",
          "bcsubscription", "bcnotificationattempt", "bccall"]  # fmt: skip


@pytest.mark.django_db
def test_superusers_see_the_lists_and_owners_do_not(client, owner):
    sandbox = services.bc_create("http://testserver", slug="adm")
    services.faults_set(sandbox.environment, fault_error_rate=0.5, fault_unavailable=3)
    client.force_login(UserFactory(username="root@platform.test", is_superuser=True,
                                   is_staff=True))  # fmt: skip
    for model in MODELS:
        page = client.get(reverse(f"admin:sandbox_business_central_{model}_changelist"))
        assert page.status_code == 200, model
    client.post(reverse("admin:sandbox_business_central_bcenvironment_changelist"), {
        "action": "clear_faults", "_selected_action": [sandbox.environment.pk]})  # fmt: skip
    environment = BcEnvironment.objects.get(pk=sandbox.environment.pk)
    assert environment.fault_error_rate == 0 and environment.fault_unavailable == 0
    # Even granted every permission on them, a tenant's user is refused: they are the platform's.
    owner.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="sandbox_business_central"))  # fmt: skip
    owner.is_staff = True
    owner.save()
    client.force_login(owner)
    for model in MODELS:
        page = client.get(reverse(f"admin:sandbox_business_central_{model}_changelist"))
        assert page.status_code == 403, model
