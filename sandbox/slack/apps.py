from django.apps import AppConfig


class SandboxSlackAppConfig(AppConfig):
    name = "sandbox.slack"
    label = "sandbox_slack"
    verbose_name = "Sandbox Slack"
