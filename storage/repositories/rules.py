"""Saved rules (JSON-Logic) and their immutable versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import CampaignVersion, Promotion, PromotionVersion, Rule, RuleVersion, utcnow
from storage.repositories.errors import DuplicateError, RepositoryError


@dataclass(frozen=True)
class RuleRecord:
    """A rule's head row as plain values (``logic`` is the current version's document)."""

    id: int
    code: str
    name: str
    description: str
    current_version: int
    logic: dict[str, Any]
    created_by: str | None
    updated_by: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class RuleVersionRecord:
    """One saved version of a rule."""

    version: int
    logic: dict[str, Any]
    created_by: str | None
    created_at: datetime


def _current_logic(session: Session, rule: Rule) -> dict[str, Any]:
    """The document of the rule's current version."""
    logic = session.scalar(sa.select(RuleVersion.logic).where(
        RuleVersion.rule_id == rule.id, RuleVersion.version == rule.current_version))
    return logic if logic is not None else {}


def _record(session: Session, row: Rule) -> RuleRecord:
    """Row -> record."""
    return RuleRecord(
        id=row.id, code=row.code, name=row.name, description=row.description or "",
        current_version=row.current_version, logic=_current_logic(session, row),
        created_by=row.created_by, updated_by=row.updated_by,
        created_at=row.created_at, updated_at=row.updated_at,
    )


def list_all(session: Session, search: str | None = None) -> list[RuleRecord]:
    """Every rule, most recently changed first; ``search`` matches code or name."""
    stmt = sa.select(Rule).order_by(Rule.updated_at.desc(), Rule.id.desc())
    if search:
        like = f"%{search.strip()}%"
        stmt = stmt.where(sa.or_(Rule.code.ilike(like), Rule.name.ilike(like)))
    return [_record(session, row) for row in session.scalars(stmt)]


def get(session: Session, code: str) -> RuleRecord | None:
    """The rule with this code, or None."""
    row = session.scalar(sa.select(Rule).where(Rule.code == code))
    return _record(session, row) if row else None


def versions(session: Session, code: str) -> list[RuleVersionRecord]:
    """The rule's versions, newest first (empty when the rule does not exist)."""
    stmt = (sa.select(RuleVersion).join(Rule, Rule.id == RuleVersion.rule_id)
            .where(Rule.code == code).order_by(RuleVersion.version.desc()))
    return [RuleVersionRecord(v.version, v.logic, v.created_by, v.created_at)
            for v in session.scalars(stmt)]


def create(session: Session, *, code: str, name: str, description: str,
           logic: dict[str, Any], actor: str) -> RuleRecord:
    """A new rule with version 1; DuplicateError when the code is taken."""
    if session.scalar(sa.select(Rule.id).where(Rule.code == code)) is not None:
        raise DuplicateError(f"rule code {code!r} already exists", field="code")
    row = Rule(code=code, name=name, description=description, current_version=1,
               created_by=actor, updated_by=actor)
    session.add(row)
    session.flush()
    session.add(RuleVersion(rule_id=row.id, version=1, logic=logic, created_by=actor))
    session.flush()
    return _record(session, row)


def update(session: Session, *, code: str, name: str, description: str,
           logic: dict[str, Any], actor: str) -> RuleRecord:
    """Change name/description; a changed document becomes a new version."""
    row = session.scalar(sa.select(Rule).where(Rule.code == code).with_for_update())
    if row is None:
        raise RepositoryError(f"no rule {code!r}", field="code")
    row.name, row.description, row.updated_by = name, description, actor
    row.updated_at = utcnow()
    if _current_logic(session, row) != logic:
        row.current_version += 1
        session.add(RuleVersion(rule_id=row.id, version=row.current_version, logic=logic,
                                created_by=actor))
    session.flush()
    return _record(session, row)


def delete(session: Session, code: str) -> bool:
    """Remove the rule and its versions; False when it did not exist."""
    row = session.scalar(sa.select(Rule).where(Rule.code == code))
    if row is None:
        return False
    session.execute(sa.delete(RuleVersion).where(RuleVersion.rule_id == row.id))
    session.delete(row)
    session.flush()
    return True


def usages(session: Session, codes: list[str]) -> dict[str, list[str]]:
    """Where each rule is referenced (``{"rule_ref": code}`` in promotions' current definitions and
    campaigns' graphs), as display names like ``促销: 满300减50`` keyed by rule code."""
    found: dict[str, list[str]] = {c: [] for c in codes}
    if not codes:
        return found
    promos = session.execute(
        sa.select(Promotion.name, PromotionVersion.definition)
        .join(PromotionVersion, sa.and_(PromotionVersion.promotion_id == Promotion.id,
                                        PromotionVersion.version == Promotion.current_version)))
    for name, definition in promos:
        for code in _refs(definition) & found.keys():
            found[code].append(f"promotion:{name}")
    for campaign_id, graph in session.execute(sa.select(CampaignVersion.campaign_id, CampaignVersion.graph)):
        for code in _refs(graph) & found.keys():
            label = f"campaign:{campaign_id}"
            if label not in found[code]:
                found[code].append(label)
    return found


def _refs(doc: Any) -> set[str]:
    """Every ``{"rule_ref": "<code>"}`` inside a JSON document."""
    out: set[str] = set()
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("rule_ref")
            if isinstance(ref, str):
                out.add(ref)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out
