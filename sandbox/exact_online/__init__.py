"""A stand-in for Exact Online (start.exactonline.*), served at /sandbox/exact_online/: a client
needs only the base URL `{server}/sandbox/exact_online` in place of `https://start.exactonline.nl`.

OAuth (oauth.py: Exact's settings of the sandboxes' one OAuth server, sandbox/oauth.py)
- GET/POST /api/oauth2/auth?client_id&redirect_uri&response_type=code&state[&force_login]: a
  consent page where a person picks the division and allows; redirects with `code` and `state`
  (or `error=access_denied`). Codes last 3 minutes and work once.
- POST /api/oauth2/token (form): grant_type=authorization_code (code, redirect_uri) or
  refresh_token (refresh_token), both with client_id and client_secret. Answers
  {"access_token", "token_type": "bearer", "expires_in": "600", "refresh_token"}. A refresh token
  works once; reusing one answers 401 {"error": "unauthorized_client", "error_description":
  "Old refresh token used."} and kills its chain. A refresh sooner than 570 s after the pair was
  issued answers 401 "Access token not expired". Token calls per app per day are capped (429).

REST (views.py; every answer under a division carries X-RateLimit-* headers, resets in epoch ms)
- GET /api/v1/current/Me → {"d": {"results": [{"CurrentDivision": …, …}]}}, not rate limited.
- /api/v1/{division}/crm/Accounts, crm/Addresses, salesinvoice/SalesInvoices (lines inline on
  POST, `$expand=SalesInvoiceLines` on GET), salesinvoice/SalesInvoiceLines (read only),
  logistics/Items, financial/GLAccounts, hrm/Costcenters, vat/VATCodes, financial/Journals,
  hrm/Divisions; read-only bulk/… (1,000 a page) and sync/… (keyed by Timestamp) twins of
  CRM/Accounts, CRM/Addresses, Financial/GLAccounts, Logistics/Items, and bulk/ of
  SalesInvoice/SalesInvoices and SalesInvoiceLines. `{resource}(guid'…')` for one entity; PUT
  and DELETE answer 204 with no body; POST answers 201 `{"d": {…}}` (properties null unless
  `Prefer: return=representation`). A property the type does not have is refused (400).
- OData: $filter (see sandbox/odata.py), $select (required with $top≠1 on crm/Accounts,
  salesinvoice/SalesInvoices and every bulk/sync endpoint), $top, $orderby, $expand, 60 rows a
  page with `__next`; dates /Date(ms)/ (Exact's zone-less times); errors
  {"error": {"code": "", "message": {"lang": "", "value": …}}}.

Services (services.py) for tests and the demo
- app_create(client_id, client_secret, redirect_uri=…, token_calls_per_day=…)
- division_create(code, name, *, skip_items=(), minutely_limit=…, daily_limit=…,
  window_seconds=…, errors_per_hour=…): seeded GL accounts 8000/8010/8050/1300, cost centres
  WEB/EU/UK/US, VAT codes 2 (21%)/1 (9%)/0, journals 70 (sales, Type 20)/71/10, items by SKU and
  SHIPPING.
- demo_division(client_id, client_secret, redirect_uri), demo_tokens(client_id, division): a
  consented token without the browser, shaped as the token endpoint answers.
  oauth.issue_token(app, division) gives the IssuedToken row itself.
- record_create(division, resource, body), records(division, resource): entities in and out.
- faults_set(division, fault_error_rate=…, fault_latency_ms=…, fault_unauthorized=N,
  fault_server_errors=N, fault_rate_limited=N, fault_create_then_error=N (commit, then 503),
  fault_create_then_hang=N (commit, then hang fault_hang_ms), fault_create_resource, or any
  limit).
- call_counts(division) → {"calls", "429", "peak"}; token_calls(client_id, grant_type="").
"""
