"""Numbering sequences of a tenant (Acumatica's numbering sequences, CS201010), counted on the
tenant row under its lock."""

from sandbox.acumatica.models import AcuTenant

# Prefixes: UNCONFIRMED beyond the shapes the docs show ("SO000123", "INV000123", "000123").
INVOICE_PREFIX = {"Invoice": "INV", "Credit Memo": "CRM", "Debit Memo": "DRM"}


def next_number(tenant: AcuTenant, sequence: str, prefix: str = "", width: int = 6) -> str:
    locked = AcuTenant.objects.select_for_update().get(pk=tenant.pk)
    last = int(locked.numbers.get(sequence, 0)) + 1
    locked.numbers[sequence] = last
    locked.save(update_fields=["numbers"])
    tenant.numbers = locked.numbers
    return f"{prefix}{last:0{width}d}"
