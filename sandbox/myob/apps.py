from django.apps import AppConfig


class SandboxMyobAppConfig(AppConfig):
    name = "sandbox.myob"
    label = "sandbox_myob"
    verbose_name = "Sandbox MYOB"
