from django.apps import AppConfig


class SandboxAppConfig(AppConfig):
    name = "sandbox"
