"""The sandbox SYSPRO's records: a company (its passwords, e.net seats, idle timeout, warehouses
and fault switches) with its operators and their e.net sessions, customers (ArCustomer), stock
items (InvMaster with InvWarehouse quantities and InvPrice prices), sales orders (SorMaster with
their lines), invoices, and every call made to it."""

from django.db import models

from sandbox.models import FaultSwitches
from sandbox.syspro import tax

# How long an unused session lives: SYSPRO's default is UNCONFIRMED (research §3.1).
IDLE_TIMEOUT_SECONDS = 20 * 60


class SysproCompany(FaultSwitches):
    """A SYSPRO company (CompanyId, e.g. EDU1) with its e.net licence seats. fault_create_resource
    names the business object whose writes the create faults hit (SORTOI, ARSSCS)."""

    company_id = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=50)
    company_password = models.CharField(max_length=50, blank=True)
    seats = models.PositiveSmallIntegerField(default=3)  # e.net seats: live sessions at once
    idle_timeout_seconds = models.PositiveIntegerField(default=IDLE_TIMEOUT_SECONDS)
    warehouses = models.JSONField(default=list)  # e.g. ["WH01"]
    currency = models.CharField(max_length=3, default="$")
    tax_codes = models.JSONField(default=tax.default_codes)  # {code: percent} (tax.py)
    numbers = models.JSONField(default=dict)  # the last number used per series
    # HTTP.sys (the recorded Server is Microsoft-HTTPAPI/2.0) refuses a request whose request
    # line and headers pass MaxRequestBytes, 16,384 by default: every call here is a GET with
    # its XML in the URL. Whether a SYSPRO site keeps that default is UNCONFIRMED; 0: no limit.
    max_request_bytes = models.PositiveIntegerField(default=0)
    # The next N calls that carry a live session find it ended (as another logon would).
    fault_session_kill = models.PositiveIntegerField(default=0)
    # When set, every Logon answers this ERROR: text.
    fault_logon_error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name_plural = "SYSPRO companies"

    def __str__(self):
        return self.company_id


class SysproOperator(models.Model):
    """An operator licensed for e.net in the company (one company per operator here)."""

    company = models.ForeignKey(SysproCompany, on_delete=models.CASCADE, related_name="operators")
    code = models.CharField(max_length=20)
    password = models.CharField(max_length=50, blank=True)
    email = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="syspro_operator_per_company")
        ]

    def __str__(self):
        return self.code


class SysproSession(models.Model):
    """A logged-on session: its id is 34 upper-case hex characters (sent back with two spaces)."""

    company = models.ForeignKey(SysproCompany, on_delete=models.CASCADE, related_name="sessions")
    operator = models.ForeignKey(SysproOperator, on_delete=models.CASCADE, related_name="sessions")
    session_id = models.CharField(max_length=34, unique=True)
    created_at = models.DateTimeField()
    last_used = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_why = models.CharField(max_length=60, blank=True)

    def __str__(self):
        return f"{self.operator} {self.session_id}"


class SysproCustomer(models.Model):
    """An ArCustomer row: `data` holds its columns by SYSPRO's names (Name, Email, SoldToAddr1…)."""

    company = models.ForeignKey(SysproCompany, on_delete=models.CASCADE, related_name="customers")
    code = models.CharField(max_length=15)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="syspro_customer_code")
        ]

    def __str__(self):
        return self.code


class SysproStock(models.Model):
    """An InvMaster row, with its InvWarehouse rows ({warehouse: {"QtyOnHand", "QtyAllocated"}})
    and InvPrice rows ({price code: selling price})."""

    company = models.ForeignKey(SysproCompany, on_delete=models.CASCADE, related_name="stock")
    stock_code = models.CharField(max_length=30)
    description = models.CharField(max_length=50, blank=True)
    stock_uom = models.CharField(max_length=10, default="EA")
    warehouses = models.JSONField(default=dict)
    prices = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "stock_code"], name="syspro_stock_code")
        ]

    def __str__(self):
        return self.stock_code


class SysproSalesOrder(models.Model):
    """A SorMaster row with its detail lines; `data` holds the header as imported (ship-to,
    email...), "lines", "freight", "misc" and the totals."""

    company = models.ForeignKey(SysproCompany, on_delete=models.CASCADE, related_name="orders")
    sales_order = models.CharField(max_length=20)
    customer = models.CharField(max_length=15)
    customer_po_number = models.CharField(max_length=30, blank=True, db_index=True)
    order_status = models.CharField(max_length=1)  # 1 open, 8 ready to invoice, 9 complete
    document_type = models.CharField(max_length=1, default="O")
    last_invoice = models.CharField(max_length=20, blank=True)
    order_date = models.DateField()
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "sales_order"], name="syspro_order_number")
        ]

    def __str__(self):
        return self.sales_order


class SysproInvoice(models.Model):
    """An AR invoice made by SORTIC (from a sales order) or ARSTIN (financial only)."""

    company = models.ForeignKey(SysproCompany, on_delete=models.CASCADE, related_name="invoices")
    invoice = models.CharField(max_length=20)
    business_object = models.CharField(max_length=6)
    sales_order = models.CharField(max_length=20, blank=True)
    customer = models.CharField(max_length=15)
    invoice_date = models.DateField()
    data = models.JSONField(default=dict)  # totals, reference, product class
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "invoice"], name="syspro_invoice_number")
        ]

    def __str__(self):
        return self.invoice


class SysproCall(models.Model):
    """Every call: the method ("Logon", "Query/Query"…), its business object, the session id it
    carried, the outcome ("ok", "error": an ERROR: answer or XML errors, "fault") and the XML
    it sent. Passwords are never kept."""

    company = models.ForeignKey(
        SysproCompany, null=True, on_delete=models.CASCADE, related_name="calls"
    )
    method = models.CharField(max_length=40)
    business_object = models.CharField(max_length=10, blank=True)
    session_id = models.CharField(max_length=40, blank=True)
    operator = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(max_length=10)
    status_code = models.PositiveSmallIntegerField(default=200)
    xml_in = models.TextField(blank=True)
    xml_parameters = models.TextField(blank=True)
    answer = models.TextField(blank=True)  # the first 2,000 characters
    at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.method} {self.business_object} → {self.outcome}"
