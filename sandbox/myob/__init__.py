"""Sandbox MYOB: the OAuth token endpoint of secure.myob.com (and, with issue 5, the company-file API).

Tokens behave as MYOB's do: access tokens last 20 minutes, `expires_in` is a string ("1200"), and
every refresh returns a new refresh token while the old one stops working.
"""
