"""A stand-in for Microsoft Dynamics 365 Business Central online with its Microsoft Entra ID,
built from Microsoft's API v2.0 pages and docs:

- Entra ID at /sandbox/entra/<tenant>/ (entra.py): the discovery document naming Microsoft's own
  URLs and the client-credentials token endpoint (random 60-90 minute tokens, Entra's errors).
- The API at /sandbox/bc/v2.0/<tenant>/<environment>/api/v2.0/ (views.py): companies and, per
  company, the entity sets of schema.py with OData v4 queries and paging (query.py), ETags,
  writes checked as BC checks them (writes.py), sales documents' amounts and bound actions
  (documents.py: invoices, orders, credit memos), $batch (batch.py), the per-user limits
  (throttle.py) and fault switches (gate.py); `?company=` or a `Company` header may stand for
  companies(<id>).
- Every write appends a BcChange (records.py), which webhook subscriptions read.
- services.py drives it: bc_create, item_set, customer_set, records, faults_set, limits_set,
  entra_faults_set, call_counts, clock_advance; admin.py shows it all to superusers.
"""
