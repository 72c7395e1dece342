"""Repositories: thin functions taking a Session and returning plain values (never row objects).

Modules: users, sessions, api_tokens, audit, quarantine, kpis, login_throttles; errors (RepositoryError,
DuplicateError).
The caller owns the transaction (``storage.db.session_scope()``); repositories only flush.
"""

from storage.repositories import api_tokens, audit, kpis, login_throttles, quarantine, sessions, users
from storage.repositories.errors import DuplicateError, RepositoryError

__all__ = [
    "DuplicateError", "RepositoryError", "api_tokens", "audit", "kpis", "login_throttles", "quarantine",
    "sessions", "users",
]
