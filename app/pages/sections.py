"""Sections that are not built yet: a plain, friendly note and nothing else (no sample data)."""

from __future__ import annotations

import reflex as rx

from app.layout import notice, shell


def being_built(section_key: str) -> rx.Component:
    """The page of a section still under construction."""
    return shell(
        section_key,
        lambda: notice("construction", "building.title", "building.body", "section-being-built"),
    )
