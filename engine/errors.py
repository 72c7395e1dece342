"""Root of every error the engine raises: a ValueError carrying data, turned into a message at the edge."""

from __future__ import annotations


class EngineError(ValueError):
    """Base class of all engine errors (one root per package derives from it)."""
