"""Write the demo data set into the app database: one transaction, Core bulk inserts in batches.

Personal data goes through ``storage.models.encrypt_pii_row`` (normalised, blind-indexed) and the
``EncryptedString`` column type encrypts it as the batch executes. Ids come from the generator, so
on PostgreSQL the id sequences are moved past them afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.orm import Session

from services.auth import ensure_demo_users
from services.demo.generate import DemoGenerator, Rows
from storage.db import session_scope
from storage.models import (
    Base,
    Campaign,
    CampaignStateChange,
    CampaignVersion,
    Category,
    Channel,
    Coupon,
    CouponBatch,
    CouponCustomerClaim,
    CouponTemplate,
    Customer,
    CustomerIdentity,
    CustomerTag,
    Event,
    GiftStock,
    Inventory,
    Order,
    OrderLine,
    OrderPromotion,
    PointsLedger,
    Product,
    Promotion,
    PromotionCustomerUse,
    PromotionVersion,
    Store,
    Tier,
    encrypt_pii_row,
)
from storage.settings import get_settings

Progress = Callable[[str, int, int], None]
BATCH = 5000
MAX_CUSTOMERS = 1_000_000

# every table the demo writes, parents first
MODELS: tuple[Any, ...] = (
    Channel, Tier, Store, Category, Product, Inventory, Campaign, CampaignVersion,
    CampaignStateChange, Promotion, PromotionVersion, CouponTemplate, Customer, CustomerIdentity,
    CustomerTag, Order, OrderLine, Coupon, OrderPromotion, PromotionCustomerUse,
    CouponCustomerClaim, PointsLedger, Event,
)
TABLES: dict[str, sa.Table] = {m.__tablename__: m.__table__ for m in MODELS}
# checked for rows and emptied by a clearing load too: checkout data hanging off demo tables
CLEARED: dict[str, sa.Table] = {
    t.name: t for t in Base.metadata.sorted_tables
    if t.name in TABLES or t.name in (CouponBatch.__tablename__, GiftStock.__tablename__)
}
_PII = {"customers": Customer, "customer_identities": CustomerIdentity}


class DemoDataError(ValueError):
    """Root of the demo loader's errors; ``problems`` names each bad argument."""

    def __init__(self, message: str, problems: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or {}


class DemoDataExists(DemoDataError):
    """The database already holds rows in demo tables; ``tables`` maps table -> row count."""

    def __init__(self, tables: dict[str, int]) -> None:
        first = ("customers", "orders", "products", "promotions", "campaigns")
        named = sorted(tables.items(), key=lambda kv: (first.index(kv[0]) if kv[0] in first else 9, -kv[1]))
        listed = ", ".join(f"{name} ({count:,})" for name, count in named[:3])
        if len(named) > 3:
            listed += f" and {len(named) - 3} more tables"
        super().__init__(
            f"the database already has data in {listed}; "
            "load the demo into an empty database, or clear it first (--force / clear=True)"
        )
        self.tables = tables


class DemoSummary(BaseModel):
    """What a load did: rows written per table (or found, when nothing was loaded) and the time."""

    loaded: bool
    customers: int
    seed: int
    as_of: date
    counts: dict[str, int]
    seconds: float
    note: str | None = None

    @property
    def rows(self) -> int:
        """Rows over every table."""
        return sum(self.counts.values())


def default_as_of() -> date:
    """Today in the display time zone (Asia/Shanghai)."""
    return datetime.now(UTC).astimezone(ZoneInfo(get_settings().timezone)).date()


def _arguments(customers: int | None, seed: int | None, as_of: date | None) -> tuple[int, int, date]:
    """Fill defaults from settings and validate every argument (all problems at once)."""
    settings = get_settings()
    customers = settings.demo_customers if customers is None else customers
    seed = settings.demo_seed if seed is None else seed
    as_of = default_as_of() if as_of is None else as_of
    problems: dict[str, str] = {}
    if not isinstance(customers, int) or isinstance(customers, bool) or not 1 <= customers <= MAX_CUSTOMERS:
        problems["customers"] = f"a whole number from 1 to {MAX_CUSTOMERS}"
    if not isinstance(seed, int) or isinstance(seed, bool):
        problems["seed"] = "a whole number"
    if not isinstance(as_of, date) or isinstance(as_of, datetime):
        problems["as_of"] = "a date (YYYY-MM-DD)"
    if problems:
        raise DemoDataError("; ".join(f"{k}: {v}" for k, v in problems.items()), problems)
    return customers, seed, as_of


def table_counts(session: Session) -> dict[str, int]:
    """Rows in each demo table."""
    return {name: int(session.scalar(sa.select(sa.func.count()).select_from(table)) or 0)
            for name, table in CLEARED.items()}


def demo_counts() -> dict[str, int]:
    """Rows in each demo table of the process database."""
    with session_scope() as s:
        return table_counts(s)


def _clear(session: Session) -> None:
    """Delete every row of the demo tables, children first."""
    for table in reversed(CLEARED.values()):
        session.execute(table.delete())


def _insert(session: Session, name: str, rows: list[dict[str, Any]]) -> None:
    """Bulk-insert rows into one table in batches (PII protected first)."""
    model = _PII.get(name)
    table = TABLES[name]
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        if model is not None:
            batch = [encrypt_pii_row(model, row) for row in batch]
        session.execute(sa.insert(table), batch)


def write_rows(session: Session, rows: Rows) -> dict[str, int]:
    """Insert a set of rows in FK order; returns rows written per table."""
    written: dict[str, int] = {}
    for name in TABLES:
        if rows.get(name):
            _insert(session, name, rows[name])
            written[name] = len(rows[name])
    return written


def _apply_usage(session: Session, updates: Rows) -> None:
    """Set the final usage figures on promotions and coupon templates."""
    for name, rows in updates.items():
        table = TABLES[name]
        values = {k: sa.bindparam(f"v_{k}") for k in rows[0] if k != "id"}
        stmt = table.update().where(table.c.id == sa.bindparam("v_id")).values(values)
        session.connection().execute(stmt, [{f"v_{k}": v for k, v in r.items()} for r in rows])


def _move_sequences(session: Session) -> None:
    """PostgreSQL: set each id sequence to the largest id the demo wrote."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name, table in TABLES.items():
        if "id" in table.c:
            session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"))


def _add(total: dict[str, int], more: dict[str, int]) -> None:
    """Add per-table counts."""
    for name, n in more.items():
        total[name] = total.get(name, 0) + n


def _run(session: Session, gen: DemoGenerator, progress: Progress) -> dict[str, int]:
    """Generate and write everything in one transaction; returns rows per table."""
    counts: dict[str, int] = {}
    progress("reference", 0, 1)
    _add(counts, write_rows(session, gen.reference_rows()))
    progress("reference", 1, 1)
    progress("customers", 0, gen.customers)
    for done, rows in gen.chunks():
        _add(counts, write_rows(session, rows))
        progress("customers", done, gen.customers)
    _apply_usage(session, gen.usage_rows())
    _move_sequences(session)
    return {name: counts.get(name, 0) for name in TABLES}


def _quiet(phase: str, done: int, total: int) -> None:
    """Progress callback that ignores progress."""


def load_demo(
    customers: int | None = None, seed: int | None = None, progress: Progress | None = None, *,
    as_of: date | None = None, clear: bool = False,
) -> DemoSummary:
    """Load the demo data set into the process database, then make sure the demo logins exist.

    Args:
        customers: unified customers to generate (settings.demo_customers when None).
        seed: random seed (settings.demo_seed when None); same seed and as_of give the same data.
        progress: called as progress(phase, done, total); phases 'reference', 'customers', 'users'.
        as_of: the data's "today": orders cover the 365 days before it (today in Asia/Shanghai).
        clear: delete the rows of every demo table first instead of refusing.

    Returns:
        Rows written per table and the seconds taken.

    Raises:
        DemoDataError: a bad argument (every problem named).
        DemoDataExists: demo tables hold rows and ``clear`` is False (nothing is changed).
    """
    customers, seed, as_of = _arguments(customers, seed, as_of)
    report = progress or _quiet
    started = time.perf_counter()
    with session_scope() as s:
        existing = {k: v for k, v in table_counts(s).items() if v}
        if existing and not clear:
            raise DemoDataExists(existing)
        if existing:
            _clear(s)
        gen = DemoGenerator(customers, seed, as_of, ZoneInfo(get_settings().timezone))
        counts = _run(s, gen, report)
    report("users", 0, 1)
    ensure_demo_users()
    report("users", 1, 1)
    seconds = round(time.perf_counter() - started, 3)
    return DemoSummary(loaded=True, customers=customers, seed=seed, as_of=as_of, counts=counts,
                       seconds=seconds)


def ensure_demo_data(
    customers: int | None = None, seed: int | None = None, progress: Progress | None = None, *,
    as_of: date | None = None,
) -> DemoSummary:
    """Load the demo data only when the database has no customers (idempotent); demo logins always.

    When there are no customers but other demo tables hold rows, nothing is loaded either (the
    summary's ``note`` names them) so an existing catalogue or campaign is never mixed with demo rows.
    """
    customers, seed, as_of = _arguments(customers, seed, as_of)
    started = time.perf_counter()
    counts = demo_counts()
    existing = {k: v for k, v in counts.items() if v}
    if not existing:
        return load_demo(customers, seed, progress, as_of=as_of)
    ensure_demo_users()
    note = ("the database already has customers" if counts["customers"]
            else "demo tables already hold data: " + ", ".join(existing))
    return DemoSummary(loaded=False, customers=counts["customers"], seed=seed, as_of=as_of,
                       counts=counts, seconds=round(time.perf_counter() - started, 3), note=note)

