"""Types shared by every router: money as strings, times with offsets, the error body, pages."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from storage.settings import get_settings

CENT = Decimal("0.01")
T = TypeVar("T")


def money_text(value: Decimal) -> str:
    """Decimal -> '1234.50' (two places, half up)."""
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def time_text(value: datetime) -> str:
    """Aware (or naive UTC) datetime -> ISO-8601 with the display time zone's offset."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(get_settings().timezone)).isoformat()


Money = Annotated[
    Decimal,
    PlainSerializer(money_text, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["1299.00"]},
        mode="serialization",
    ),
]
"""Money in JSON: a string with exactly two decimals (never a float)."""

Time = Annotated[
    datetime,
    PlainSerializer(time_text, return_type=str),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "examples": ["2026-11-11T20:00:00+08:00"]},
        mode="serialization",
    ),
]
"""A point in time in JSON: ISO-8601 with offset (the display time zone, Asia/Shanghai by default)."""


class ApiModel(BaseModel):
    """Base of response models: built from services' dataclasses."""

    model_config = ConfigDict(from_attributes=True)


class RequestModel(BaseModel):
    """Base of request bodies: unknown fields are errors, so typos do not pass silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ErrorField(BaseModel):
    """One problem with one input field (a rule's problem also has code, reason, params and message_zh)."""

    field: str = Field(examples=["body.name"], description="where: body.<name>, query.<name>, ...")
    message: str = Field(description="in English")
    code: str | None = Field(None, examples=["bad_type"],
                             description="rule problems only: the rule engine's code (docs/rules.md)")
    reason: str | None = Field(None, examples=["expects_option"],
                               description="rule problems only: exactly what is wrong, stable (docs/rules.md)")
    params: dict[str, Any] | None = Field(
        None, examples=[{"field": "customer.tier", "value": 3}],
        description="rule problems only: what it is about (field, operator, value...)")
    message_zh: str | None = Field(None, examples=["字段「会员等级」不能和数字比较，请从这些选项里选：普通会员、银卡会员"],
                                   description="rule problems only: the problem for people, in Chinese")


class ErrorDetail(BaseModel):
    """What went wrong."""

    code: str = Field(examples=["validation_failed"], description="stable, machine-readable")
    message: str = Field(description="for people; may change")
    fields: list[ErrorField] = Field(default_factory=list)


class ErrorResponse(BaseModel):
    """The body of every 4xx/5xx answer of the API."""

    error: ErrorDetail


class Page(ApiModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int = Field(description="matches over all pages")
    page: int
    page_size: int
