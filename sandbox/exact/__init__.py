"""A stand-in for Exact Online (start.exactonline.*), served at /sandbox/exact/.

- OAuth: /sandbox/exact/api/oauth2/auth (consent page) and /api/oauth2/token. Access tokens last
  10 minutes; refresh tokens are single use (reusing one kills its chain); a refresh sooner than
  570 s after the previous token is refused; token calls per app per day are capped.
- REST: /api/v1/current/Me, /api/v1/{division}/{service}/{Entity}[(guid'…')] with the verbose
  OData envelope, 60 rows a page, /Date(ms)/ dates, per-division rate limits with Exact's headers.
- `services` creates apps, divisions with reference data, demo tokens, and sets fault switches.
"""
