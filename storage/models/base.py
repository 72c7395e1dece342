"""Declarative base, naming convention and the portable column types every model uses."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from storage import crypto

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """DateTime(timezone=True) that stores UTC and always returns aware UTC datetimes (SQLite too)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Reject naive datetimes; convert aware ones to UTC."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: times must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach UTC to what SQLite returns; normalise PostgreSQL's to UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class EncryptedString(TypeDecorator[str]):
    """Text column holding SM4-GCM ciphertext; Python sees plaintext (see storage.crypto)."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        """Encrypt on the way in."""
        return None if value is None else crypto.encrypt(str(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        """Decrypt on the way out."""
        return None if value is None else crypto.decrypt(value)


Money = sa.Numeric(14, 2, asdecimal=True)
Rate = sa.Numeric(10, 4, asdecimal=True)
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")
BlindIndex = sa.String(64)


class Base(DeclarativeBase):
    """Declarative base of every Shuying table."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        Decimal: Money,
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
    }
    # attribute -> normaliser kind ('phone' | 'email' | 'text' | 'namespace'); see _protect_pii
    __pii__: ClassVar[dict[str, str]] = {}


class IdMixin:
    """Integer autoincrement primary key."""

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)


class TimestampMixin:
    """created_at / updated_at maintained by the ORM (UTC)."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def _kind_for(target: Any, kind: str) -> str:
    """Resolve the 'namespace' kind from the row's namespace (identities)."""
    if kind == "namespace":
        return crypto.identity_kind(str(getattr(target, "namespace", "") or ""))
    return kind


def _protect_pii(target: Any) -> None:
    """Normalise PII attributes and keep their ``<field>_bidx`` in step."""
    for field, kind in type(target).__pii__.items():
        normalized, bidx = crypto.protect_value(_kind_for(target, kind), getattr(target, field), field)
        if normalized is not None and normalized != getattr(target, field):
            setattr(target, field, normalized)
        setattr(target, f"{field}_bidx", bidx)


@event.listens_for(Base, "before_insert", propagate=True)
def _pii_before_insert(mapper: Any, connection: Any, target: Any) -> None:
    """Protect PII of new rows."""
    if type(target).__pii__:
        _protect_pii(target)


@event.listens_for(Base, "before_update", propagate=True)
def _pii_before_update(mapper: Any, connection: Any, target: Any) -> None:
    """Protect PII of changed rows."""
    if type(target).__pii__:
        _protect_pii(target)


@event.listens_for(Base, "mapper_configured", propagate=True)
def _pii_set_listeners(mapper: Any, cls: type[Base]) -> None:
    """Normalise fixed-kind PII on assignment (errors name the field) and set the blind index."""
    for field, kind in cls.__pii__.items():
        if kind != "namespace":
            event.listen(getattr(cls, field), "set", _make_setter(field, kind), retval=True)


def _make_setter(field: str, kind: str) -> Any:
    """Attribute 'set' listener for one PII field."""

    def on_set(target: Any, value: Any, oldvalue: Any, initiator: Any) -> Any:
        normalized, bidx = crypto.protect_value(kind, value, field)
        setattr(target, f"{field}_bidx", bidx)
        return normalized

    return on_set


def encrypt_pii_row(model: type[Base], row: dict[str, Any]) -> dict[str, Any]:
    """Copy of a bulk-insert row dict with PII normalised and ``<field>_bidx`` filled.

    The EncryptedString column type encrypts the plaintext when the row is executed, so
    ``session.execute(insert(Customer), [encrypt_pii_row(Customer, r) for r in rows])`` is safe.
    Raises crypto.PiiError naming the field on bad input.
    """
    out = dict(row)
    for field, kind in model.__pii__.items():
        if field not in out:
            continue
        if kind == "namespace":
            kind = crypto.identity_kind(str(out.get("namespace", "")))
        out[field], out[f"{field}_bidx"] = crypto.protect_value(kind, out[field], field)
    return out
