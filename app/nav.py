"""The sections of the app: route, icon, translation key and the roles that may open them."""

from __future__ import annotations

from dataclasses import dataclass

ALL_ROLES: tuple[str, ...] = ("admin", "marketer", "designer", "analyst")


@dataclass(frozen=True)
class Section:
    """One entry of the sidebar."""

    key: str
    route: str
    icon: str
    roles: tuple[str, ...]

    @property
    def label_key(self) -> str:
        """Translation key of the section's name."""
        return f"nav.{self.key}"

    @property
    def description_key(self) -> str:
        """Translation key of the section's one-line description."""
        return f"desc.{self.key}"


SECTIONS: tuple[Section, ...] = (
    Section("dashboard", "/", "layout_dashboard", ALL_ROLES),
    Section("rules", "/rules", "list_checks", ("admin", "marketer", "analyst")),
    Section("promotions", "/promotions", "badge_percent", ("admin", "marketer")),
    Section("campaigns", "/campaigns", "megaphone", ("admin", "marketer")),
    Section("pages", "/pages", "layout_template", ("admin", "marketer", "designer")),
    Section("customers", "/customers", "users", ("admin", "marketer", "analyst")),
    Section("analytics", "/analytics", "chart_line", ("admin", "marketer", "analyst")),
    Section("flow_runs", "/flow-runs", "workflow", ("admin", "marketer")),
    Section("data_sources", "/data-sources", "database", ("admin",)),
    Section("settings", "/settings", "settings", ("admin",)),
)
BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}
ROUTES: frozenset[str] = frozenset(s.route for s in SECTIONS)


def safe_next(path: str | None) -> str:
    """Where to go after login: a known section route, never an outside address."""
    if not path:
        return "/"
    clean = path.split("?", 1)[0].split("#", 1)[0]
    clean = clean.rstrip("/") or "/"
    return clean if clean in ROUTES else "/"
