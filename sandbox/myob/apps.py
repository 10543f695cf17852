from django.apps import AppConfig


class SandboxMyobConfig(AppConfig):
    name = "sandbox.myob"
    label = "sandbox_myob"
    verbose_name = "Sandbox MYOB"
