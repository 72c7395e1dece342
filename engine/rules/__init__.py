"""Shuying's JSON-Logic rule engine: validate → compile (Python closures) → evaluate.

Public API: ``validate``, ``compile_rule``, ``evaluate``, ``truthy``, ``CompiledRule``, ``RuleError``,
``RuleEvalError``, ``Problem`` (``problem`` makes one of a known reason; ``REASONS`` lists every reason
with its code); the operator registry ``OPERATORS`` with ``Operator``/``register``; the field catalogue
``CATALOGUE`` (``Catalogue``, ``Field``, ``Option``, ``operator_labels``).
There is deliberately no ``method`` operator (it can call arbitrary methods on caller data).
"""

from __future__ import annotations

from engine.rules import ops_data, ops_iter, ops_logic, ops_marketing, ops_math, ops_text  # noqa: F401
from engine.rules.catalogue import CATALOGUE, Catalogue, Field, Option, operator_labels
from engine.rules.compiler import CompiledRule, cache_info, canonical_key, clear_cache, compile_rule, evaluate
from engine.rules.errors import REASONS, Problem, RuleError, RuleEvalError, problem
from engine.rules.registry import OPERATORS, Operator, register
from engine.rules.validate import MAX_DEPTH, MAX_NODES, validate
from engine.rules.values import truthy

__all__ = [
    "CATALOGUE", "MAX_DEPTH", "MAX_NODES", "OPERATORS", "REASONS", "Catalogue", "CompiledRule", "Field",
    "Operator", "Option", "Problem", "RuleError", "RuleEvalError", "cache_info", "canonical_key", "clear_cache",
    "compile_rule", "evaluate", "operator_labels", "problem", "register", "truthy", "validate",
]
