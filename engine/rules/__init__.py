"""Shuying's JSON-Logic rule engine: validate → compile (Python closures) → evaluate.

Public API: ``validate``, ``compile_rule``, ``evaluate``, ``truthy``, ``CompiledRule``, ``RuleError``,
``RuleEvalError``, ``Problem``, ``OPERATORS`` (the registry) and ``Operator``/``register`` to add one.
"""

from __future__ import annotations

from engine.rules import ops_data, ops_iter, ops_logic, ops_math, ops_text  # noqa: F401  (registration)
from engine.rules.compiler import CompiledRule, cache_info, canonical_key, clear_cache, compile_rule, evaluate
from engine.rules.errors import Problem, RuleError, RuleEvalError
from engine.rules.registry import OPERATORS, Operator, register
from engine.rules.validate import MAX_DEPTH, MAX_NODES, validate
from engine.rules.values import truthy

__all__ = [
    "MAX_DEPTH", "MAX_NODES", "OPERATORS", "CompiledRule", "Operator", "Problem", "RuleError", "RuleEvalError",
    "cache_info", "canonical_key", "clear_cache", "compile_rule", "evaluate", "register", "truthy", "validate",
]
