"""The visual rule builder: react-querybuilder (pinned) wrapped for Reflex, JSON-Logic in and out.

The widget keeps its own tree while the marketer edits and sends the JSON-Logic export of every change
to the server (``on_rule_change`` receives ``{"rule": <JSON-Logic or None>}``). Changing ``reset_key``
makes it load ``rule`` again (after opening another rule, a JSON edit or an undo).
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventHandler, passthrough_event_spec

QUERYBUILDER = "react-querybuilder@8.24.1"
_SOURCE = rx.asset("rule_builder.jsx", shared=True)

# a few rules of layout the library's own stylesheet leaves to the host app
STYLE = {
    ".sy-rule-builder .ruleGroup": {"background": "var(--accent-2)", "border_color": "var(--accent-6)",
                                    "border_radius": "8px", "padding": "10px", "gap": "8px"},
    ".sy-rule-builder .rule": {"gap": "6px", "align_items": "center"},
    # a condition its field cannot hold (rule_builder.jsx, fitsField)
    ".sy-rule-builder .rule.queryBuilder-invalid": {"outline": "1.5px solid var(--red-9)", "outline_offset": "3px",
                                                    "border_radius": "4px", "background": "var(--red-2)"},
    ".sy-rule-builder select, .sy-rule-builder input": {
        "height": "30px", "border": "1px solid var(--gray-6)", "border_radius": "6px",
        "padding": "0 8px", "background": "white", "font_size": "13px"},
    ".sy-rule-builder select[multiple]": {"height": "auto", "min_height": "30px", "padding": "2px 4px"},
    ".sy-rule-builder button": {
        "height": "28px", "border": "1px solid var(--accent-7)", "border_radius": "6px",
        "padding": "0 10px", "background": "white", "color": "var(--accent-11)", "font_size": "13px",
        "cursor": "pointer", "white_space": "nowrap", "flex_shrink": "0"},
}


class RuleBuilder(rx.Component):
    """``<RuleBuilder>`` from components/rule_builder.jsx."""

    library = _SOURCE.importable_path
    tag = "RuleBuilder"
    lib_dependencies: list[str] = [QUERYBUILDER]

    fields: rx.Var[list[dict[str, Any]]]
    rule: rx.Var[dict[str, Any]]
    reset_key: rx.Var[int]
    translations: rx.Var[dict[str, Any]]
    combinators: rx.Var[list[dict[str, str]]]
    operators: rx.Var[list[dict[str, str]]]
    operator_labels: rx.Var[dict[str, str]]  # every operator by name, for a condition its field does not offer

    on_rule_change: EventHandler[passthrough_event_spec(dict[str, Any])]


rule_builder = RuleBuilder.create
