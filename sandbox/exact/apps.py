from django.apps import AppConfig


class SandboxExactConfig(AppConfig):
    name = "sandbox.exact"
    label = "sandbox_exact"
    verbose_name = "Sandbox Exact Online"
