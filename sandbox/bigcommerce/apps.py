from django.apps import AppConfig


class SandboxBigCommerceAppConfig(AppConfig):
    name = "sandbox.bigcommerce"
    label = "sandbox_bigcommerce"
    verbose_name = "Sandbox BigCommerce"
