"""The one settings module: every configurable value, read from SHUYING_* environment variables.

Nothing else in the code base reads ``os.environ``.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"

# Development-only fallbacks. `make run` writes real random keys to var/secrets.env on first start;
# a deployment sets SHUYING_SECRET_KEY / SHUYING_PII_KEY / SHUYING_PII_INDEX_KEY itself.
_DEV_SECRET = "shuying-dev-secret-change-me"


class Settings(BaseSettings):
    """Runtime configuration of Shuying (prefix ``SHUYING_``)."""

    model_config = SettingsConfigDict(
        env_prefix="SHUYING_",
        env_file=(str(VAR_DIR / "secrets.env"),),
        env_file_encoding="utf-8",
        extra="ignore",
    )

    database_url: str = Field(
        default=f"sqlite:///{VAR_DIR / 'shuying.db'}",
        description="SQLAlchemy URL of the app database (SQLite default, postgresql+psycopg://... at scale)",
    )
    prefect_api_url: str = Field(default="http://127.0.0.1:4200/api", description="Prefect server API")
    prefect_work_pool: str = Field(default="shuying", description="Prefect work pool the workers poll")
    redis_url: str | None = Field(default=None, description="Redis for Reflex state with several replicas")
    app_port: int = Field(default=3000, description="port of the Reflex app (prod mode: page + backend)")
    secret_key: SecretStr = Field(default=SecretStr(_DEV_SECRET), description="signs sessions and tokens")
    pii_key: SecretStr = Field(
        default=SecretStr(""), description="SM4 key for personal data, 32 hex chars (16 bytes)"
    )
    pii_index_key: SecretStr = Field(
        default=SecretStr(""), description="SM3-HMAC key for blind indexes of personal data"
    )
    timezone: str = Field(default="Asia/Shanghai", description="display time zone")
    default_locale: str = Field(default="zh-CN", description="UI language for new sessions")
    min_margin: str = Field(default="0", description="margin guard for promotions, e.g. 0.05 = 5%")
    session_hours: int = Field(default=12, description="how long a login session lasts")
    login_max_failures: int = Field(
        default=5, ge=1,
        description="failed sign-ins of one username within login_window_minutes that lock it",
    )
    login_max_failures_per_address: int = Field(
        default=50, ge=1,
        description="failed sign-ins from one client address (any usernames) within the window that lock it",
    )
    login_window_minutes: int = Field(default=15, ge=1, description="window in which failed sign-ins count")
    login_lockout_minutes: int = Field(
        default=15, ge=1, description="how long a locked username or address is refused (then unlocked)"
    )
    trusted_proxy_hops: int = Field(
        default=0, ge=0,
        description="reverse proxies in front of the app: the client address is the n-th X-Forwarded-For "
        "entry from the right (0: the connection's peer); used by the login throttle, web and API alike",
    )
    demo_seed: int = Field(default=20261111, description="seed of the deterministic demo data")
    demo_customers: int = Field(default=20000, description="customers in the demo data")
    test_postgres_url: str | None = Field(
        default=None,
        description="PostgreSQL for the test suite: integration tests also run there when set",
    )

    @field_validator("database_url")
    @classmethod
    def _sqlite_dir_exists(cls, value: str) -> str:
        """Create the folder of a SQLite file database so a fresh clone just works."""
        if value.startswith("sqlite:///") and ":memory:" not in value:
            Path(value.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        return value

    def pii_key_bytes(self) -> bytes:
        """The 16-byte SM4 key; derived from secret_key in development when not set."""
        return _key_bytes(self.pii_key.get_secret_value(), self.secret_key.get_secret_value(), "pii")

    def pii_index_key_bytes(self) -> bytes:
        """The key of the SM3-HMAC blind index."""
        return _key_bytes(
            self.pii_index_key.get_secret_value(), self.secret_key.get_secret_value(), "pii-index"
        )


def _key_bytes(explicit: str, secret: str, label: str) -> bytes:
    """Decode a hex/base64 key, or derive a 16-byte key from the secret for development."""
    if explicit:
        try:
            raw = bytes.fromhex(explicit)
        except ValueError:
            raw = base64.b64decode(explicit)
        if len(raw) != 16:
            raise ValueError(f"SHUYING_{label.upper().replace('-', '_')}_KEY must be 16 bytes")
        return raw
    return hashlib.sha256(f"{label}:{secret}".encode()).digest()[:16]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests call ``get_settings.cache_clear()``)."""
    return Settings()
