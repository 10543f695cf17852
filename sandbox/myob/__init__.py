"""Sandbox MYOB: secure.myob.com's OAuth endpoints (oauth.py, on the sandboxes' one OAuth server)
and the company-file API of api.myob.com (views.py).

Tokens behave as MYOB's do: access tokens last 20 minutes, `expires_in` is a string ("1200"), and
every refresh returns a new refresh token while the old one stops working.
"""
