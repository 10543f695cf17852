import pytest

from connectors.errors import UnsafeDestination
from connectors.http import ApiClient, VendorRules
from connectors.ssrf import check_destination


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/entity",
        "https://localhost:8443/x",
        "https://10.1.2.3/",
        "https://192.168.0.10/",
        "https://172.16.5.5/",
        "https://169.254.169.254/latest/meta-data/",  # cloud metadata
        "https://[::1]/",
        "https://[fe80::1]/",
        "https://0.0.0.0/",
    ],
)
def test_private_loopback_link_local_and_metadata_addresses_are_refused(url):
    with pytest.raises(UnsafeDestination, match="public internet"):
        check_destination(url, allow_private=False)


def test_plain_http_is_refused_outside_demo_mode():
    with pytest.raises(UnsafeDestination, match="https://"):
        check_destination("http://8.8.8.8/", allow_private=False)


def test_public_address_passes():
    check_destination("https://8.8.8.8/entity", allow_private=False)


def test_unresolvable_host_says_so():
    with pytest.raises(UnsafeDestination, match="could not be found"):
        check_destination("https://no-such-host.invalid/", allow_private=False)


def test_demo_and_test_mode_allow_the_sandbox_on_loopback(settings):
    settings.DEMO_MODE = True
    check_destination("http://127.0.0.1:8000/sandbox/acumatica/")


@pytest.mark.django_db
def test_the_client_refuses_before_sending_and_says_why():
    client = ApiClient(
        rules=VendorRules(system="acumatica"), base_url="https://10.0.0.7/", allow_private=False
    )
    with pytest.raises(UnsafeDestination, match=r"10\.0\.0\.7"):
        client.get("entity", operation="entity.list")
