from django.apps import AppConfig


class SandboxExactOnlineAppConfig(AppConfig):
    name = "sandbox.exact_online"
    # Was "sandbox_exact": a database migrated under the old label keeps those tables unused and
    # gets new, empty ones here. Acceptable, as they only ever held sandbox data.
    label = "sandbox_exact_online"
    verbose_name = "Sandbox Exact Online"
