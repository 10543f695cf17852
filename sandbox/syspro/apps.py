from django.apps import AppConfig


class SandboxSysproAppConfig(AppConfig):
    name = "sandbox.syspro"
    label = "sandbox_syspro"
    verbose_name = "Sandbox SYSPRO"
