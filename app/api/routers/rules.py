"""Saved rules (JSON-Logic): list, read, create, update, delete, versions, try, audience size."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from app.api.deps import GuardedRoute, Require
from app.api.errors import ApiError, Fields
from app.api.schemas import ApiModel, ErrorResponse, RequestModel, Time
from app.rule_problems import api_keys
from services import rules as rule_service
from services import segments
from services.auth import UserInfo

router = APIRouter(prefix="/rules", tags=["rules"], route_class=GuardedRoute)
Reader = Annotated[UserInfo, Depends(Require("admin", "marketer", "analyst"))]
Writer = Annotated[UserInfo, Depends(Require("admin", "marketer"))]
Code = Annotated[str, Path(min_length=2, max_length=64)]


class RuleOut(ApiModel):
    """A saved rule with its current JSON-Logic document."""

    code: str
    name: str
    description: str
    version: int
    logic: dict[str, Any]
    updated_at: Time
    updated_by: str | None


class RuleSummaryOut(ApiModel):
    """A row of the rules list."""

    code: str
    name: str
    description: str
    version: int
    updated_at: Time
    updated_by: str
    used_in: list[str]


class RuleIn(RequestModel):
    """What a rule is made of."""

    name: str
    description: str = ""
    logic: dict[str, Any]


class NewRuleIn(RuleIn):
    """A new rule: also its code."""

    code: str


class VersionOut(ApiModel):
    """One saved version."""

    version: int
    logic: dict[str, Any]
    created_by: str | None
    created_at: Time


class TryIn(RequestModel):
    """A document to try on one customer's profile, last order (as cart) or last event."""

    logic: dict[str, Any]
    customer_id: int
    sample: Literal["customer", "cart", "event"] = "customer"


class TraceOut(ApiModel):
    """One operator node of the tried rule and whether it held."""

    path: str
    op: str
    result: str
    passed: bool


class TryOut(ApiModel):
    """The result of trying a rule."""

    passed: bool
    result: str
    error: str
    trace: list[TraceOut]


class AudienceIn(RequestModel):
    """A rule over customer.* fields to size."""

    logic: dict[str, Any]
    limit: int = 20


class AudienceOut(ApiModel):
    """How many customers a rule selects and how that was computed."""

    count: int
    population: int
    pushed_down: bool
    fallback: str | None
    errors: int
    customer_codes: list[str]


def _problem_fields(problems: list[dict[str, Any]]) -> Fields:
    """Rule problems as error fields ``body.logic<path>`` with code, reason, params and message_zh."""
    return [(f"body.logic{p['path'][1:]}", p["message"], api_keys(p)) for p in problems]


def _refused(err: rule_service.RuleServiceError) -> ApiError:
    """A service refusal as 404 / 409 / 422 naming every field and rule node."""
    if err.fields.get("code") == "not found" or err.fields.get("version") == "not found":
        return ApiError(404, "not_found", str(err))
    fields: Fields = [(f"body.{name}", problem) for name, problem in err.fields.items()]
    fields += _problem_fields(err.problems)
    status = 409 if "already exists" in str(err) or "in use" in str(err) else 422
    return ApiError(status, "conflict" if status == 409 else "validation_failed", str(err), fields)


def _out(record: Any) -> RuleOut:
    """Record -> response."""
    return RuleOut(code=record.code, name=record.name, description=record.description,
                   version=record.current_version, logic=record.logic, updated_at=record.updated_at,
                   updated_by=record.updated_by)


@router.get("")
def list_rules(_: Reader, q: Annotated[str | None, Query(max_length=64)] = None) -> list[RuleSummaryOut]:
    """Every saved rule with where it is used (promotions and campaigns referring to it)."""
    return [RuleSummaryOut.model_validate(s) for s in rule_service.list_rules(q)]


@router.get("/{code}", responses={404: {"model": ErrorResponse}})
def get_rule(_: Reader, code: Code) -> RuleOut:
    """One rule with its current document."""
    try:
        return _out(rule_service.get_rule(code))
    except rule_service.RuleServiceError as err:
        raise _refused(err) from err


@router.post("", status_code=201, responses={409: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})
def create_rule(user: Writer, body: NewRuleIn) -> RuleOut:
    """Create a rule; an invalid document is refused with every problem and its JSON path."""
    try:
        return _out(rule_service.save_rule(code=body.code, name=body.name, description=body.description,
                                           logic=body.logic, actor=user.username, create=True))
    except rule_service.RuleServiceError as err:
        raise _refused(err) from err


@router.put("/{code}", responses={404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})
def update_rule(user: Writer, code: Code, body: RuleIn) -> RuleOut:
    """Change a rule; a changed document becomes a new version."""
    try:
        rule_service.get_rule(code)
        return _out(rule_service.save_rule(code=code, name=body.name, description=body.description,
                                           logic=body.logic, actor=user.username, create=False))
    except rule_service.RuleServiceError as err:
        raise _refused(err) from err


@router.delete("/{code}", status_code=204, responses={404: {"model": ErrorResponse},
                                                      409: {"model": ErrorResponse}})
def delete_rule(user: Writer, code: Code) -> Response:
    """Delete a rule nothing uses."""
    try:
        rule_service.delete_rule(code, user.username)
    except rule_service.RuleServiceError as err:
        raise _refused(err) from err
    return Response(status_code=204)


@router.get("/{code}/versions", responses={404: {"model": ErrorResponse}})
def rule_versions(_: Reader, code: Code) -> list[VersionOut]:
    """The rule's versions, newest first."""
    found = rule_service.versions(code)
    if not found:
        raise ApiError(404, "not_found", f"no rule {code!r}")
    return [VersionOut.model_validate(v) for v in found]


@router.post("/try", responses={422: {"model": ErrorResponse}})
def try_rule(_: Reader, body: TryIn) -> TryOut:
    """Evaluate a document on a real customer; every logical branch and condition is reported."""
    try:
        result = rule_service.try_rule(body.logic, body.sample, body.customer_id)
    except rule_service.RuleServiceError as err:
        if err.fields.get("customer") == "not found":
            raise ApiError(404, "not_found", str(err)) from err
        raise _refused(err) from err
    return TryOut(passed=result.passed, result=result.result, error=result.error,
                  trace=[TraceOut(path=r.path, op=r.op, result=r.result, passed=r.passed) for r in result.rows])


@router.post("/audience", responses={422: {"model": ErrorResponse}})
def audience(_: Reader, body: AudienceIn) -> AudienceOut:
    """Size the audience of a rule over customer.* (in SQL when it translates, else in Python)."""
    try:
        found = segments.audience(body.logic, limit=body.limit)
    except segments.SegmentError as err:
        fields = _problem_fields(err.problems) or [("body", str(err))]
        raise ApiError(422, "validation_failed", str(err), fields) from err
    return AudienceOut(count=found.count, population=found.population, pushed_down=found.pushed_down,
                       fallback=found.fallback, errors=found.errors,
                       customer_codes=[m.code for m in found.customers])
