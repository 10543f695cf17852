"""A stand-in for Acumatica instances, served at /sandbox/acumatica/<instance>/ (the "Instance
URL" a connection stores), each with tenants, a licence and the contract-based REST API
Default/<version> whose fields are the official 24.200.001 file's (contract.py).

- GET entity: {"version": {...}, "endpoints": [{name, version, href}]}; another endpoint or a
  version the instance does not serve → 404. GET entity/Default/<v>/swagger.json?company=<tenant>:
  the OpenAPI file.
- identity/connect/token (password, authorization_code, refresh_token; no client_credentials),
  identity/connect/authorize, identity/.well-known/openid-configuration (oauth.py).
- entity/auth/login → 204 + cookies, entity/auth/logout → 204; the licence's API users (429 "API
  Login Limit"), sessions idle 10 minutes (sessions.py). The licence's throttle (throttle.py).
- entity/Default/<v>/<Entity>: Customer, SalesOrder, SalesInvoice, Payment, StockItem,
  NonStockItem; inquiries InventoryQuantityAvailable, InventorySummaryInquiry (PUT,
  $expand=Results). GET list ($filter, $expand, $select, $top, $skip), GET/DELETE by id or keys,
  PUT upsert (If-None-Match/If-Match: * → 412), PATCH (404 when missing); values wrapped
  (wire.py: a flat value → 400 HttpError); 422 with `error` on the field (rules.py); actions
  SalesOrder/PrepareSalesInvoice, SalesInvoice/ReleaseSalesInvoice, Payment/ReleasePayment
  → 202 + Location, polled 202 then 204 (actions.py).
- Push notifications: models AcuPushNotification/AcuPushDelivery; changes.records_changed runs
  after every stock/non-stock item write.
- services.py: instance_create, tenant_create, app_create, user_create, faults_set,
  licence_set, call_counts, demo_tokens, stock_item_set, records, record_put.
"""
