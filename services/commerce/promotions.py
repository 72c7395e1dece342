"""Promotions for marketers: create, edit (each save is a new immutable version), restore an older
version (as a new one), schedule, pause, resume, end, list with budget use.

Each version keeps the budgets and per-customer limit saved with it (``VersionRecord.limits``; None
for versions saved before they were recorded), so versions compare and restore as a whole.

A promotion's engine definition is the JSON of ``engine.promotions.Promotion`` without ``id`` (the
promotion's code is its id; ``name`` defaults to the promotion's name). It is validated by the
engine on every save, its JSON-Logic condition by ``engine.rules.validate``; every problem is
reported with its field (``definition.params.percent``).

Status: the stored status records the marketer's last action (``draft``, ``scheduled``, ``paused``,
``ended``); a scheduled promotion is shown ``scheduled`` before ``starts_at``, ``live`` inside its
window and ``ended`` after ``ends_at`` (``effective_status``). ``refresh_statuses`` writes the
derived status back for dashboards (a scheduled job may call it); quotes never depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

import engine.rules
from engine.promotions import Promotion as EnginePromotion
from engine.promotions.eligibility import condition_catalogue
from services.commerce.errors import Conflict, FieldProblem, InvalidInput, NotFound, problems_from
from storage.db import session_scope
from storage.models import utcnow
from storage.repositories import audit
from storage.repositories import promotions as repo
from storage.repositories.errors import DuplicateError
from storage.repositories.promotions import Limits, PromotionRecord, VersionRecord

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
ACTOR = "system"


class PromotionInput(BaseModel):
    """What a marketer saves: code, name, the engine definition, budgets and per-customer limit."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64, pattern=CODE_PATTERN)
    name: str = Field(min_length=1, max_length=256)
    definition: dict[str, Any]
    budget_amount: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    budget_uses: int | None = Field(default=None, ge=0)
    per_customer_limit: int | None = Field(default=None, ge=1)


class PromotionChange(BaseModel):
    """An edit: any of name, definition, budgets, limit (omitted = unchanged; null clears a limit)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=256)
    definition: dict[str, Any] | None = None
    budget_amount: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    budget_uses: int | None = Field(default=None, ge=0)
    per_customer_limit: int | None = Field(default=None, ge=1)


@dataclass(frozen=True)
class PromotionView:
    """A promotion as the back office shows it."""

    code: str
    name: str
    status: str
    stored_status: str
    version: int
    definition: dict[str, Any]
    budget_amount: Decimal | None
    budget_uses: int | None
    used_amount: Decimal
    used_uses: int
    budget_used_pct: Decimal | None
    per_customer_limit: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime


def effective_status(stored: str, starts_at: datetime | None, ends_at: datetime | None, now: datetime) -> str:
    """The status to show: a scheduled promotion is live inside its window, ended after it."""
    if stored not in repo.RUNNING:
        return stored
    if ends_at is not None and now >= ends_at:
        return "ended"
    if starts_at is not None and now < starts_at:
        return "scheduled"
    return "live"


def budget_used_pct(rec: PromotionRecord) -> Decimal | None:
    """The larger of amount used / budget and uses / budget, in percent (None without a budget)."""
    shares = []
    if rec.budget_amount is not None:
        shares.append(Decimal(100) if rec.budget_amount == 0 else rec.used_amount * 100 / rec.budget_amount)
    if rec.budget_uses is not None:
        shares.append(Decimal(100) if rec.budget_uses == 0 else Decimal(rec.used_uses * 100) / rec.budget_uses)
    return max(shares).quantize(Decimal("0.1"), ROUND_HALF_UP) if shares else None


def view(rec: PromotionRecord, now: datetime) -> PromotionView:
    """Record -> view at ``now``."""
    return PromotionView(
        code=rec.code, name=rec.name, status=effective_status(rec.status, rec.starts_at, rec.ends_at, now),
        stored_status=rec.status, version=rec.current_version, definition=rec.definition,
        budget_amount=rec.budget_amount, budget_uses=rec.budget_uses, used_amount=rec.used_amount,
        used_uses=rec.used_uses, budget_used_pct=budget_used_pct(rec),
        per_customer_limit=rec.per_customer_limit, starts_at=rec.starts_at, ends_at=rec.ends_at,
        created_by=rec.created_by, created_at=rec.created_at, updated_at=rec.updated_at,
    )


def engine_definition(code: str, name: str, definition: dict[str, Any]) -> tuple[dict[str, Any], EnginePromotion | None, list[FieldProblem]]:
    """Validate a definition with the engine; returns (normalised JSON, model, problems)."""
    problems: list[FieldProblem] = []
    doc = dict(definition)
    if doc.get("id", code) != code:
        problems.append(FieldProblem("definition.id", "must be left out or equal the promotion code"))
    doc["id"] = code
    doc.setdefault("name", name)
    if isinstance(doc.get("condition"), dict):
        for p in engine.rules.validate(doc["condition"], condition_catalogue()):
            where = f"definition.condition{p.path.removeprefix('$')}"
            problems.append(FieldProblem(where, p.message, p.as_dict()))
    try:
        model = EnginePromotion.model_validate(doc)
    except ValidationError as exc:
        return doc, None, problems + problems_from(exc, "definition")
    return model.model_dump(mode="json"), model, problems


def _parse(kind: type[BaseModel], data: BaseModel | dict[str, Any]) -> Any:
    """Validate input, raising InvalidInput with every problem."""
    if isinstance(data, kind):
        return data
    try:
        return kind.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(problems_from(exc)) from None


def create_promotion(data: PromotionInput | dict[str, Any], *, actor: str = ACTOR, now: datetime | None = None) -> PromotionView:
    """Save a new draft promotion (version 1).

    Raises:
        InvalidInput: every bad field, engine problems under ``definition.*``.
        Conflict: ``duplicate`` code.
    """
    inp = _parse(PromotionInput, data)
    doc, model, problems = engine_definition(inp.code, inp.name, inp.definition)
    if problems or model is None:
        raise InvalidInput(problems)
    with session_scope() as s:
        try:
            rec = repo.create(
                s, code=inp.code, name=inp.name, definition=doc, budget_amount=inp.budget_amount,
                budget_uses=inp.budget_uses, per_customer_limit=inp.per_customer_limit,
                starts_at=model.starts_at, ends_at=model.ends_at, created_by=actor,
            )
        except DuplicateError:
            raise Conflict("duplicate", f"promotion {inp.code!r} already exists", field="code") from None
        audit.record(s, actor=actor, action="promotion.create", entity_type="promotion", entity_id=inp.code,
                     details={"version": 1})
    return view(rec, now or utcnow())


def update_promotion(code: str, data: PromotionChange | dict[str, Any], *, actor: str = ACTOR, now: datetime | None = None) -> PromotionView:
    """Save an edit as a new version (budgets may not go below what is used; ended promotions are frozen).

    Raises:
        NotFound, InvalidInput, Conflict (``promotion_ended``, ``budget_below_used``).
    """
    change = _parse(PromotionChange, data)
    with session_scope() as s:
        rec = _get(s, code)
        if rec.status == "ended":
            raise Conflict("promotion_ended", f"promotion {code!r} has ended; copy it instead")
        name = change.name or rec.name
        doc, model, problems = engine_definition(code, name, change.definition or _renamed(rec, change.name))
        if problems or model is None:
            raise InvalidInput(problems)
        limits = _limits_after(rec, change)
        version = repo.add_version(s, rec.id, name=name, definition=doc, starts_at=model.starts_at,
                                   ends_at=model.ends_at, created_by=actor, limits=limits)
        _set_limits(s, rec, limits)
        audit.record(s, actor=actor, action="promotion.update", entity_type="promotion", entity_id=code,
                     details={"version": version, "fields": sorted(change.model_fields_set)})
        rec = _get(s, code)
    return view(rec, now or utcnow())


def _renamed(rec: PromotionRecord, new_name: str | None) -> dict[str, Any]:
    """The current definition, with the display name following a rename if it used the old one."""
    doc = dict(rec.definition)
    if new_name and doc.get("name") == rec.name:
        doc["name"] = new_name
    return doc


def _limits_of(rec: PromotionRecord) -> Limits:
    """The promotion's budgets and per-customer limit as they are."""
    return Limits(rec.budget_amount, rec.budget_uses, rec.per_customer_limit)


def _limits_after(rec: PromotionRecord, change: PromotionChange) -> Limits:
    """The budgets and limit after an edit (fields it does not name stay as they are)."""
    given = change.model_fields_set
    return Limits(
        change.budget_amount if "budget_amount" in given else rec.budget_amount,
        change.budget_uses if "budget_uses" in given else rec.budget_uses,
        change.per_customer_limit if "per_customer_limit" in given else rec.per_customer_limit,
    )


def _set_limits(s: Any, rec: PromotionRecord, limits: Limits) -> None:
    """Store new budgets / limit (Conflict ``budget_below_used`` if a budget would fall below its use)."""
    if limits == _limits_of(rec):
        return
    ok = repo.set_limits(s, rec.id, budget_amount=limits.budget_amount, budget_uses=limits.budget_uses,
                         per_customer_limit=limits.per_customer_limit)
    if not ok:
        raise Conflict("budget_below_used", "a budget cannot be set below what is already used",
                       used_amount=str(rec.used_amount), used_uses=rec.used_uses)


def _get(s: Any, code: str) -> PromotionRecord:
    """The promotion or NotFound."""
    rec = repo.get_by_code(s, code)
    if rec is None:
        raise NotFound("promotion", code)
    return rec


def get_promotion(code: str, *, now: datetime | None = None) -> PromotionView:
    """One promotion (NotFound if there is none)."""
    with session_scope() as s:
        return view(_get(s, code), now or utcnow())


def promotion_versions(code: str) -> list[VersionRecord]:
    """Every saved version of a promotion, oldest first (with the limits each saved, if recorded)."""
    with session_scope() as s:
        return repo.versions(s, _get(s, code).id)


def restore_promotion_version(code: str, version: int, *, actor: str = ACTOR,
                              now: datetime | None = None) -> PromotionView:
    """Save an older version's definition (and the budgets and limit it saved, if recorded) as a new
    version; the versions in between stay in the history.

    Raises:
        NotFound (promotion or version), InvalidInput (the old definition fails today's checks),
        Conflict ``promotion_ended``, ``already_current``, ``budget_below_used``.
    """
    with session_scope() as s:
        rec = _get(s, code)
        if rec.status == "ended":
            raise Conflict("promotion_ended", f"promotion {code!r} has ended; copy it instead")
        old = repo.get_version(s, rec.id, version)
        if old is None:
            raise NotFound("version", version)
        if version == rec.current_version:
            raise Conflict("already_current", f"version {version} is the current version", field="version")
        name = str(old.definition.get("name") or rec.name)
        doc, model, problems = engine_definition(code, name, old.definition)
        if problems or model is None:
            raise InvalidInput(problems)
        limits = old.limits or _limits_of(rec)
        new = repo.add_version(s, rec.id, name=name, definition=doc, starts_at=model.starts_at,
                               ends_at=model.ends_at, created_by=actor, limits=limits, restored_from=version)
        _set_limits(s, rec, limits)
        audit.record(s, actor=actor, action="promotion.restore", entity_type="promotion", entity_id=code,
                     details={"version": new, "restored": version})
        rec = _get(s, code)
    return view(rec, now or utcnow())


def list_promotions(*, status: str | None = None, now: datetime | None = None) -> list[PromotionView]:
    """Every promotion (newest first), optionally only those whose effective status is ``status``."""
    now = now or utcnow()
    with session_scope() as s:
        views = [view(r, now) for r in repo.list_all(s)]
    return [v for v in views if status is None or v.status == status]


_TRANSITIONS = {
    "schedule": ("scheduled", ("draft",)),
    "pause": ("paused", ("scheduled", "live")),
    "resume": ("scheduled", ("paused",)),
    "end": ("ended", ("scheduled", "live", "paused")),
}


def _transition(code: str, action: str, actor: str, now: datetime | None) -> PromotionView:
    """Apply a lifecycle action or raise Conflict ``invalid_transition``."""
    now = now or utcnow()
    target, allowed = _TRANSITIONS[action]
    with session_scope() as s:
        rec = _get(s, code)
        shown = effective_status(rec.status, rec.starts_at, rec.ends_at, now)
        over = rec.ends_at is not None and now >= rec.ends_at and target == "scheduled"
        if shown == "ended" or over or not repo.set_status(s, rec.id, target, only_from=allowed):
            raise Conflict("invalid_transition", f"cannot {action} a promotion that is {shown}",
                           status=shown, action=action)
        audit.record(s, actor=actor, action=f"promotion.{action}", entity_type="promotion", entity_id=code,
                     details={"from": rec.status, "to": target})
        rec = _get(s, code)
    return view(rec, now)


def schedule_promotion(code: str, *, actor: str = ACTOR, now: datetime | None = None) -> PromotionView:
    """Publish a draft: it is live from ``starts_at`` (now if none) until ``ends_at``."""
    return _transition(code, "schedule", actor, now)


def pause_promotion(code: str, *, actor: str = ACTOR, now: datetime | None = None) -> PromotionView:
    """Stop a scheduled or live promotion from applying until resumed."""
    return _transition(code, "pause", actor, now)


def resume_promotion(code: str, *, actor: str = ACTOR, now: datetime | None = None) -> PromotionView:
    """Let a paused promotion apply again (inside its window)."""
    return _transition(code, "resume", actor, now)


def end_promotion(code: str, *, actor: str = ACTOR, now: datetime | None = None) -> PromotionView:
    """End a promotion for good (it stays listed, frozen)."""
    return _transition(code, "end", actor, now)


def delete_promotion(code: str, *, actor: str = ACTOR) -> None:
    """Delete a draft that no order used and no coupon template unlocks (Conflict otherwise)."""
    with session_scope() as s:
        rec = _get(s, code)
        if not repo.delete_draft(s, rec.id):
            raise Conflict("not_deletable", "only drafts that nothing uses can be deleted; end it instead",
                           status=rec.status)
        audit.record(s, actor=actor, action="promotion.delete", entity_type="promotion", entity_id=code)


def refresh_statuses(*, now: datetime | None = None) -> int:
    """Store the derived status (scheduled → live → ended) of running promotions; returns how many moved."""
    now = now or utcnow()
    moved = 0
    with session_scope() as s:
        for rec in repo.list_all(s):
            shown = effective_status(rec.status, rec.starts_at, rec.ends_at, now)
            if rec.status in repo.RUNNING and shown != rec.status:
                moved += repo.set_status(s, rec.id, shown, only_from=(rec.status,))
    return moved
