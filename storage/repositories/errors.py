"""Errors raised by repositories (carry the offending field)."""

from __future__ import annotations


class RepositoryError(ValueError):
    """Bad input to a repository function; ``field`` names the offending field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class DuplicateError(RepositoryError):
    """A unique value already exists."""


def require_aware(value: object, field: str) -> None:
    """Raise RepositoryError unless ``value`` is a timezone-aware datetime."""
    from datetime import datetime

    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise RepositoryError(f"{field}: must be a timezone-aware datetime, got {value!r}", field)
