"""Arithmetic operators: +, -, *, /, %, max, min (JavaScript numbers; exact when money is Decimal).

A non-numeric operand, division by zero and 0/0 raise the JSON-Logic ``NaN`` error; a wrong
number of operands (``{"-": []}``, ``{"%": [1]}``) raises ``Invalid Arguments``.
"""

from __future__ import annotations

import math
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

from engine.rules.errors import Problem, invalid_arguments, nan_error, problem
from engine.rules.registry import Operator, register
from engine.rules.values import Number, to_decimal, to_number


def numbers(values: list[Any]) -> list[Number]:
    """Operands as numbers (all Decimal if any is Decimal); a non-numeric operand raises NaN."""
    nums = [to_number(v) for v in values]
    if any(n != n for n in nums):
        raise nan_error()
    if any(type(n) is Decimal for n in nums):
        return [to_decimal(v, n) for v, n in zip(values, nums)]
    return nums


def _checked(n: Number) -> Number:
    """Refuse NaN results (inf - inf)."""
    if n != n:
        raise nan_error()
    return n


def plus(values: list[Any]) -> Number:
    """Sum of the operands (``{"+": "3"}`` casts to a number; no operands = 0)."""
    if len(values) == 2:
        a, b = values
        if (type(a) is int or type(a) is float) and (type(b) is int or type(b) is float):
            return a + b
    return _checked(sum(numbers(values), start=0))


def times(values: list[Any]) -> Number:
    """Product of the operands (no operands = 1)."""
    return _checked(math.prod(numbers(values)))


def minus(values: list[Any]) -> Number:
    """Negation of one operand, or the first minus the others."""
    nums = numbers(values)
    if not nums:
        raise invalid_arguments("-")
    if len(nums) == 1:
        return -nums[0]
    result = nums[0]
    for n in nums[1:]:
        result -= n  # type: ignore[operator]  # numbers() gives all Decimal or no Decimal
    return _checked(result)


def divide(values: list[Any]) -> Number:
    """The first operand divided by the others (one operand x = 1/x); division by zero is NaN."""
    nums = numbers(values)
    if not nums:
        raise invalid_arguments("/")
    if len(nums) == 1:
        nums = [1, *nums]
    result: Any = nums[0]
    for n in nums[1:]:
        if n == 0:
            raise nan_error()
        result = result / n
    return _checked(result)


def js_mod(a: Number, b: Number) -> Number:
    """JavaScript ``%``: the remainder takes the sign of the dividend."""
    if b == 0:
        raise nan_error()
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        try:
            return a % b  # type: ignore[operator]  # Decimal's % follows the dividend's sign
        except (InvalidOperation, DivisionByZero) as exc:
            raise nan_error() from exc
    if isinstance(a, int) and isinstance(b, int):
        r = abs(a) % abs(b)
        return -r if a < 0 else r
    if math.isinf(b) and math.isfinite(a):
        return a
    return _checked(math.fmod(a, b))


def modulo(values: list[Any]) -> Number:
    """Remainder of the operands, left to right, with the dividend's sign."""
    nums = numbers(values)
    if len(nums) < 2:
        raise invalid_arguments("%")
    result = nums[0]
    for n in nums[1:]:
        result = js_mod(result, n)
    return result


def _strict_numbers(values: list[Any], name: str) -> list[Number]:
    """max/min take one or more numbers only: anything else is Invalid Arguments."""
    if not values or any(isinstance(v, bool) or not isinstance(v, (int, float, Decimal)) for v in values):
        raise invalid_arguments(name)
    return numbers(values)


def maximum(values: list[Any]) -> Number:
    """Largest operand."""
    return max(_strict_numbers(values, "max"))


def minimum(values: list[Any]) -> Number:
    """Smallest operand."""
    return min(_strict_numbers(values, "min"))


def _literal_numbers(name: str, args: list[Any], path: str) -> list[Problem]:
    """Static check of max/min: literal operands must be numbers."""
    return [
        problem(f"{path}[{i}]", "numbers_only", "max/min compare numbers only", operator=name, value=a)
        for i, a in enumerate(args)
        if not (isinstance(a, dict) and a) and (isinstance(a, bool) or not isinstance(a, (int, float)))
    ]


def _numbers_check(name: str) -> Any:
    """The static check of max or min."""
    return lambda args, path: _literal_numbers(name, args, path)


def _register() -> None:
    """Register the arithmetic operators."""
    for name, impl, zh, en, lo in (
        ("+", plus, "加", "plus", 0), ("-", minus, "减", "minus", 1), ("*", times, "乘", "times", 0),
        ("/", divide, "除", "divide", 1), ("%", modulo, "取余", "remainder", 2),
    ):
        register(Operator(name, impl=impl, min_args=lo, label_zh=zh, label_en=en, group="math"))
    for name, impl, zh, en in (("max", maximum, "最大值", "max"), ("min", minimum, "最小值", "min")):
        register(Operator(name, impl=impl, min_args=1, label_zh=zh, label_en=en, group="math",
                          check=_numbers_check(name)))


_register()
