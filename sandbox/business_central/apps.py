from django.apps import AppConfig


class SandboxBusinessCentralAppConfig(AppConfig):
    name = "sandbox.business_central"
    label = "sandbox_business_central"
    verbose_name = "Sandbox Business Central"
