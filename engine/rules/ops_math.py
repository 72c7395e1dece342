"""Arithmetic operators: +, -, *, /, %, max, min (JavaScript numbers; exact when money is Decimal)."""

from __future__ import annotations

import math
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

from engine.rules.errors import nan_error
from engine.rules.registry import Operator, register, values_op
from engine.rules.values import Number, to_decimal, to_number


def numbers(values: list[Any]) -> list[Number]:
    """Operands as numbers (all Decimal if any is Decimal); a non-numeric operand raises NaN."""
    nums = [to_number(v) for v in values]
    if any(n != n for n in nums):
        raise nan_error()
    if any(type(n) is Decimal for n in nums):
        return [to_decimal(v, n) for v, n in zip(values, nums)]
    return nums


def _finite(n: Number) -> Number:
    """Refuse NaN results (0/0, inf-inf)."""
    if n != n:
        raise nan_error()
    return n


def plus(values: list[Any]) -> Number:
    """Sum of the operands (``{"+": "3"}`` casts to a number)."""
    return _finite(sum(numbers(values), start=0))


def times(values: list[Any]) -> Number:
    """Product of the operands."""
    nums = numbers(values)
    if not nums:
        raise nan_error()
    return _finite(math.prod(nums))


def minus(values: list[Any]) -> Number:
    """Negation of one operand, or the first minus the others."""
    nums = numbers(values)
    if not nums:
        raise nan_error()
    if len(nums) == 1:
        return -nums[0]
    result = nums[0]
    for n in nums[1:]:
        result -= n
    return _finite(result)


def divide(values: list[Any]) -> Number:
    """The first operand divided by the others; division by zero raises NaN."""
    nums = numbers(values)
    if len(nums) < 2:
        raise nan_error()
    result: Any = nums[0]
    for n in nums[1:]:
        if n == 0:
            raise nan_error()
        result = result / n
    return _finite(result)


def js_mod(a: Number, b: Number) -> Number:
    """JavaScript ``%``: the remainder takes the sign of the dividend."""
    if b == 0:
        raise nan_error()
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        try:
            return a % b  # Decimal's % already follows the dividend's sign
        except (InvalidOperation, DivisionByZero) as exc:
            raise nan_error() from exc
    if isinstance(a, int) and isinstance(b, int):
        r = abs(a) % abs(b)
        return -r if a < 0 else r
    if math.isinf(b) and math.isfinite(a):
        return a
    return _finite(math.fmod(a, b))


def modulo(values: list[Any]) -> Number:
    """Remainder of the operands, left to right, with the dividend's sign."""
    nums = numbers(values)
    if len(nums) < 2:
        raise nan_error()
    result = nums[0]
    for n in nums[1:]:
        result = js_mod(result, n)
    return result


def _strict_numbers(values: list[Any]) -> list[Number]:
    """max/min take numbers only: anything else raises NaN."""
    if any(isinstance(v, bool) or not isinstance(v, (int, float, Decimal)) for v in values):
        raise nan_error()
    return numbers(values)


def maximum(values: list[Any]) -> Number | None:
    """Largest operand (null with none)."""
    nums = _strict_numbers(values)
    return max(nums) if nums else None


def minimum(values: list[Any]) -> Number | None:
    """Smallest operand (null with none)."""
    nums = _strict_numbers(values)
    return min(nums) if nums else None


for _op in (
    Operator("+", values_op(plus), label_zh="加", label_en="plus", group="math"),
    Operator("-", values_op(minus), label_zh="减", label_en="minus", group="math"),
    Operator("*", values_op(times), label_zh="乘", label_en="times", group="math"),
    Operator("/", values_op(divide), label_zh="除", label_en="divide", group="math"),
    Operator("%", values_op(modulo), label_zh="取余", label_en="remainder", group="math"),
    Operator("max", values_op(maximum), label_zh="最大值", label_en="max", group="math"),
    Operator("min", values_op(minimum), label_zh="最小值", label_en="min", group="math"),
):
    register(_op)
