"""Platform tables: users, sessions, login throttling, API tokens, audit, quarantine, data sources,
idempotency."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, IdMixin, JSONType, utcnow

ROLES = ("admin", "marketer", "designer", "analyst")


class User(IdMixin, Base):
    """A back-office user (argon2 password hash)."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(128))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[str] = mapped_column(sa.String(16))
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(sa.String(16), default="zh-CN")
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("role IN ('admin','marketer','designer','analyst')", name="role"),
    )


class UserSession(IdMixin, Base):
    """A login session of the Reflex app (only the token's hash is stored)."""

    __tablename__ = "user_sessions"

    token_hash: Mapped[str] = mapped_column(sa.String(128), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LoginThrottle(IdMixin, Base):
    """Failed sign-ins counted per username or per client address, and the lockout they started.

    One row per (scope, key); the count restarts when its window has passed or its lockout ended.
    Kept in the database so every app process sees the same counts (services.login_throttle).
    """

    __tablename__ = "login_throttles"

    scope: Mapped[str] = mapped_column(sa.String(16))  # 'username' | 'address'
    key: Mapped[str] = mapped_column(sa.String(128))
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(index=True)
    locked_until: Mapped[datetime | None]

    __table_args__ = (
        sa.UniqueConstraint("scope", "key"),
        sa.CheckConstraint("scope IN ('username','address')", name="scope"),
        sa.CheckConstraint("failures >= 0", name="failures_not_negative"),
    )


class ApiToken(IdMixin, Base):
    """A REST API token (only the hash is stored; prefix shown to users)."""

    __tablename__ = "api_tokens"

    name: Mapped[str] = mapped_column(sa.String(128))
    token_hash: Mapped[str] = mapped_column(sa.String(128), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scopes: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class AuditLog(IdMixin, Base):
    """Who did what to which entity."""

    __tablename__ = "audit_log"

    actor: Mapped[str] = mapped_column(sa.String(64), index=True)
    action: Mapped[str] = mapped_column(sa.String(64))
    entity_type: Mapped[str] = mapped_column(sa.String(64))
    entity_id: Mapped[str | None] = mapped_column(sa.String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    __table_args__ = (sa.Index(None, "entity_type", "entity_id"),)


class Quarantine(IdMixin, Base):
    """A rejected input row kept with the reason and the offending field."""

    __tablename__ = "quarantine"

    source: Mapped[str] = mapped_column(sa.String(64), index=True)
    entity: Mapped[str] = mapped_column(sa.String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    reason: Mapped[str] = mapped_column(sa.Text)
    field: Mapped[str | None] = mapped_column(sa.String(128))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class DataSource(IdMixin, Base):
    """A connected data source (POS, CRM, e-commerce, mini-program)."""

    __tablename__ = "data_sources"

    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(128))
    kind: Mapped[str] = mapped_column(sa.String(16))
    config: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(sa.String(16), default="active")
    last_sync_at: Mapped[datetime | None]

    __table_args__ = (
        sa.CheckConstraint("kind IN ('pos','crm','ecommerce','miniprogram')", name="kind"),
    )


class IdempotencyKey(IdMixin, Base):
    """A processed request, so a retry returns the first response instead of acting twice."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(sa.String(128), unique=True)
    scope: Mapped[str] = mapped_column(sa.String(64))
    request_hash: Mapped[str] = mapped_column(sa.String(128))
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
