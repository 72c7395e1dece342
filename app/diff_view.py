"""A unified diff of two saved documents as coloured lines (the rule and promotion version histories).

``diff_line`` classifies a line of ``services.docdiff.unified`` for colouring (plain Python, tested
without a browser); ``diff_box`` shows a list of such lines.
"""

from __future__ import annotations

import reflex as rx


def diff_line(line: str) -> dict[str, str]:
    """A diff line and its kind: add, del, head or same."""
    if line.startswith(("+++", "---", "@@")):
        kind = "head"
    elif line.startswith("+"):
        kind = "add"
    elif line.startswith("-"):
        kind = "del"
    else:
        kind = "same"
    return {"text": line, "kind": kind}


def _line(line: rx.Var[dict[str, str]]) -> rx.Component:
    """One line of the diff, coloured by kind."""
    return rx.text(line["text"], size="1", class_name="diff-" + line["kind"],
                   style={"font_family": "var(--code-font-family)", "white_space": "pre",
                          "background": rx.match(line["kind"], ("add", "var(--green-3)"),
                                                 ("del", "var(--red-3)"), "transparent")})


def diff_box(lines: rx.Var[list[dict[str, str]]], element_id: str) -> rx.Component:
    """The diff's lines in a horizontally scrolling box."""
    return rx.box(rx.foreach(lines, _line), width="100%", id=element_id, overflow_x="auto")
