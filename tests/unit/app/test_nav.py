"""The sections of the sidebar and who may open them."""

from __future__ import annotations

from app.nav import BY_KEY, SECTIONS, safe_next


def test_the_ten_sections_are_in_the_agreed_order() -> None:
    assert [s.key for s in SECTIONS] == [
        "dashboard", "rules", "promotions", "campaigns", "pages", "customers", "analytics",
        "flow_runs", "data_sources", "settings",
    ]


def test_data_sources_and_settings_are_for_admins_only() -> None:
    assert BY_KEY["data_sources"].roles == ("admin",)
    assert BY_KEY["settings"].roles == ("admin",)


def test_every_role_can_open_the_dashboard_and_admins_everything() -> None:
    assert set(BY_KEY["dashboard"].roles) == {"admin", "marketer", "designer", "analyst"}
    assert all("admin" in s.roles for s in SECTIONS)


def test_login_only_returns_to_known_sections() -> None:
    assert safe_next("/rules") == "/rules"
    assert safe_next("/rules/?x=1") == "/rules"
    assert safe_next("https://evil.example/") == "/"
    assert safe_next("//evil.example") == "/"
    assert safe_next("/no-such-page") == "/"
    assert safe_next(None) == "/"
