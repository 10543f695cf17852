from django.conf import settings

# BigCommerce's documented retry delays (seconds); about 48 hours in all, then the hook is deactivated.
BIGCOMMERCE_RETRY_SCHEDULE = [60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 50400, 86400]


def retry_schedule() -> list[float]:
    """Tests compress it with the SANDBOX_BC_RETRY_SCHEDULE setting."""
    return list(getattr(settings, "SANDBOX_BC_RETRY_SCHEDULE", BIGCOMMERCE_RETRY_SCHEDULE))


def delivery_timeout() -> float:
    return float(getattr(settings, "SANDBOX_BC_DELIVERY_TIMEOUT", 10))
