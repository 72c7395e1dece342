"""Values derived from one immutable object (a promotion, its scope), computed once per object.

The live promotions of a server are the same frozen model objects quote after quote, so what depends
only on one of them — its params as integers, its compiled condition, its dates as timestamps — is
computed on its first quote and looked up by ``id`` afterwards. The table holds the object itself, so
its id cannot be reused by another object while the entry lives; past ``limit`` entries it starts over.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
V = TypeVar("V")


class ObjectMemo(Generic[T, V]):
    """``make(obj)``, computed once per object (an exception is raised, not remembered)."""

    def __init__(self, make: Callable[[T], V], limit: int = 8192) -> None:
        self.make, self.limit = make, limit
        self._table: dict[int, tuple[T, V]] = {}

    def __call__(self, obj: T) -> V:
        known = self._table.get(id(obj))
        if known is not None and known[0] is obj:
            return known[1]
        value = self.make(obj)
        if len(self._table) >= self.limit:
            self._table.clear()
        self._table[id(obj)] = (obj, value)
        return value
