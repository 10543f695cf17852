"""The Celery app as the test worker runs it: the product's app plus the in-test fake ERP."""

from config.celery import app
from tests.support import fake_erp

fake_erp.install()

__all__ = ("app",)
