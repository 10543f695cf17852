from django.apps import AppConfig


class SandboxAcumaticaAppConfig(AppConfig):
    name = "sandbox.acumatica"
    label = "sandbox_acumatica"
    verbose_name = "Sandbox Acumatica"
