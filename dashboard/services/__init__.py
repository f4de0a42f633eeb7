"""Writes and the rules around them: sign-in, access checks, submissions and reviews, admin changes,
strategy import, bulk updates from spreadsheets, first-start set-up and the demo history.

Every write function takes a session and the acting user's e-mail, keyword-only, re-reads the user inside
the transaction and raises ``AccessDenied`` or ``ValueError`` with a message to show as is.
"""
